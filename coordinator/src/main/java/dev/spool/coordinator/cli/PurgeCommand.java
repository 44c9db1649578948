package dev.spool.coordinator.cli;

import dev.spool.coordinator.fsck.Purger;
import dev.spool.protocol.spool.SpoolLayout;
import dev.spool.protocol.spool.TaskState;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** {@code spool purge --older-than D}: remove or archive finished tasks with their history. */
@Command(
    name = "purge",
    description = "Remove (or --archive) terminal tasks older than D with their results and logs.")
final class PurgeCommand implements Callable<Integer> {
  @CommandLine.Spec CommandLine.Model.CommandSpec spec;
  @CommandLine.Mixin SpoolOptions options;

  @CommandLine.Option(
      names = "--older-than",
      required = true,
      paramLabel = "D",
      converter = DurationParser.class)
  Duration olderThan;

  @CommandLine.Option(
      names = "--state",
      paramLabel = "S",
      description = "done, dead or cancelled (default: all three).")
  List<String> states = new ArrayList<>();

  @CommandLine.Option(
      names = "--archive",
      paramLabel = "DIR",
      description = "Move into DIR (same file system) instead of deleting.")
  Path archive;

  @Override
  public Integer call() throws IOException {
    SpoolLayout layout = options.open(spec);
    List<TaskState> which = new ArrayList<>();
    for (String s : states) {
      TaskState st = TaskState.ofCode(s);
      if (st == null || !st.isTerminal()) {
        throw new CommandLine.ParameterException(
            spec.commandLine(), "--state: '" + s + "' is not done, dead or cancelled");
      }
      which.add(st);
    }
    if (which.isEmpty()) {
      which = List.of(TaskState.DONE, TaskState.DEAD, TaskState.CANCELLED);
    }
    List<String> purged = new Purger(layout).purge(olderThan, which, archive);
    spec.commandLine()
        .getOut()
        .println((archive == null ? "removed " : "archived ") + purged.size() + " task(s)");
    spec.commandLine().getOut().flush();
    return 0;
  }
}
