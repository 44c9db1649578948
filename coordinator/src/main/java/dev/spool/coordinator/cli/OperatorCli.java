package dev.spool.coordinator.cli;

import dev.spool.coordinator.dashboard.DashboardCommand;
import dev.spool.coordinator.dashboard.MetricsCommand;
import java.time.Clock;
import picocli.CommandLine;

/**
 * The operator subcommands of {@code spool}. The distribution's main class adds the daemons ({@code
 * worker}, {@code coordinator}) to the same command line.
 *
 * <p>Exit codes: 0 ok; 1 a task failed, was not found or a check failed; 2 usage; 124 a wait timed
 * out.
 */
public final class OperatorCli {
  private OperatorCli() {}

  /**
   * Adds only the subcommand {@code name} to {@code root}, if it is one of the few a script calls
   * in a loop; building every subcommand's model costs more start-up time than such a command's
   * work. {@code spool --help} and the rest use {@link #addTo}.
   *
   * @return false (and {@code root} unchanged) when {@code name} is not such a subcommand
   */
  public static boolean addOnly(CommandLine root, Clock clock, String name) {
    if ("submit".equals(name)) {
      root.addSubcommand(new SubmitCommand(clock));
      return true;
    }
    return false;
  }

  /** Adds every operator subcommand to {@code root}. */
  public static CommandLine addTo(CommandLine root, Clock clock) {
    root.addSubcommand(new InitCommand(clock));
    root.addSubcommand(new SubmitCommand(clock));
    root.addSubcommand(new StatusCommand(clock));
    root.addSubcommand(new ShowCommand());
    root.addSubcommand(new ListCommand());
    root.addSubcommand(new TaskActionCommand.Cancel(clock));
    root.addSubcommand(new TaskActionCommand.Hold(clock));
    root.addSubcommand(new TaskActionCommand.Release(clock));
    root.addSubcommand(new TaskActionCommand.Retry(clock));
    root.addSubcommand(new WaitCommand());
    root.addSubcommand(new LogsCommand());
    root.addSubcommand(new WorkersCommand());
    root.addSubcommand(new DrainCommand(clock));
    root.addSubcommand(new ReportCommand());
    root.addSubcommand(new FsckCommand(clock));
    root.addSubcommand(new PurgeCommand());
    root.addSubcommand(new RequeueCommand(clock));
    root.addSubcommand(new LanesCommand(clock));
    root.addSubcommand(new CompareCommand());
    root.addSubcommand(new DashboardCommand(clock));
    root.addSubcommand(new MetricsCommand());
    return root;
  }
}
