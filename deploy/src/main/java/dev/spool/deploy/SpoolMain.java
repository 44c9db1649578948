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

  public static void main(String[] args) {
    System.exit(commandLine(Clock.systemUTC()).execute(args));
  }

  static final class Version implements CommandLine.IVersionProvider {
    @Override
    public String[] getVersion() {
      String v = SpoolMain.class.getPackage().getImplementationVersion();
      return new String[] {"spool " + (v == null ? "development build" : v)};
    }
  }
}
