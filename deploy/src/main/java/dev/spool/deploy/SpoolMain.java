package dev.spool.deploy;

import dev.spool.coordinator.CoordinatorCommand;
import dev.spool.coordinator.cli.OperatorCli;
import dev.spool.coordinator.cli.QuickSubmit;
import dev.spool.deploy.run.RunCommand;
import dev.spool.worker.WorkerCommand;
import java.time.Clock;
import java.util.Map;
import java.util.OptionalInt;
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
    System.exit(run(Clock.systemUTC(), System.getenv(), args));
  }

  /**
   * Runs the command: {@code spool submit ... -- ARGV...} by {@link QuickSubmit} when it reads the
   * form (a script's loop of submits then starts without picocli), everything else, and every form
   * or value it leaves alone, by picocli. The jar's entry point is {@link JarMain}, which does the
   * same.
   */
  static int run(Clock clock, Map<String, String> env, String[] args) {
    OptionalInt quick = QuickSubmit.run(args, clock, env, System.out, System.err);
    return quick.isPresent() ? quick.getAsInt() : runPicocli(clock, args);
  }

  /** Runs the command through picocli alone. */
  static int runPicocli(Clock clock, String[] args) {
    return commandLineFor(clock, args).execute(args);
  }

  static final class Version implements CommandLine.IVersionProvider {
    @Override
    public String[] getVersion() {
      String v = SpoolMain.class.getPackage().getImplementationVersion();
      return new String[] {"spool " + (v == null ? "development build" : v)};
    }
  }
}
