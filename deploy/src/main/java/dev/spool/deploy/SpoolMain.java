package dev.spool.deploy;

import dev.spool.coordinator.CoordinatorCommand;
import dev.spool.coordinator.cli.OperatorCli;
import dev.spool.deploy.run.RunCommand;
import dev.spool.worker.WorkerCommand;
import java.time.Clock;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The {@code spool} command: operator subcommands plus the daemons. */
@Command(
    name = "spool",
    mixinStandardHelpOptions = true,
    versionProvider = SpoolMain.Version.class,
    description = "A file-based distributed work queue. See README.md and PROTOCOL.md.",
    subcommands = {CommandLine.HelpCommand.class})
public final class SpoolMain {
  private SpoolMain() {}

  /** The command line with every subcommand, for the launcher and for in-process tests. */
  public static CommandLine commandLine(Clock clock) {
    CommandLine cl = new CommandLine(new SpoolMain());
    OperatorCli.addTo(cl, clock);
    cl.addSubcommand(new WorkerCommand());
    cl.addSubcommand(new CoordinatorCommand());
    cl.addSubcommand(new RunCommand(clock));
    cl.addSubcommand(new picocli.AutoComplete.GenerateCompletion());
    return cl;
  }

  /**
   * The command line for {@code args}: for a short command that scripts call often ({@code spool
   * submit}) only that subcommand is built, which parses and behaves the same; everything else gets
   * the full command line.
   */
  static CommandLine commandLineFor(Clock clock, String[] args) {
    if (args.length > 0) {
      CommandLine only = new CommandLine(new SpoolMain());
      if (OperatorCli.addOnly(only, clock, args[0])) {
        return only;
      }
    }
    return commandLine(clock);
  }

  public static void main(String[] args) {
    System.exit(commandLineFor(Clock.systemUTC(), args).execute(args));
  }

  static final class Version implements CommandLine.IVersionProvider {
    @Override
    public String[] getVersion() {
      String v = SpoolMain.class.getPackage().getImplementationVersion();
      return new String[] {"spool " + (v == null ? "development build" : v)};
    }
  }
}
