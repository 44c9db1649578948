package dev.spool.coordinator.cli;

import dev.spool.coordinator.submit.TaskLocator;
import dev.spool.protocol.spool.SpoolLayout;
import dev.spool.protocol.spool.TaskName;
import dev.spool.protocol.spool.TaskState;
import java.io.IOException;
import java.io.PrintWriter;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.locks.LockSupport;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * {@code spool wait ID...}: until every task is terminal. Exit 0 if all succeeded, 1 if any ended
 * otherwise (or is unknown), 124 on timeout. A progress bar on a terminal, plain lines otherwise.
 */
@Command(
    name = "wait",
    description = "Wait until tasks end (exit 0 all done, 1 otherwise, 124 timeout).")
final class WaitCommand implements Callable<Integer> {
  static final int TIMED_OUT = 124;

  @CommandLine.Spec CommandLine.Model.CommandSpec spec;
  @CommandLine.Mixin SpoolOptions options;

  @CommandLine.Option(
      names = "--timeout",
      converter = DurationParser.class,
      defaultValue = "24h",
      description = "Give up after this long (default 24h).")
  Duration timeout;

  @CommandLine.Parameters(paramLabel = "ID", arity = "1..*")
  List<String> ids = new ArrayList<>();

  @Override
  public Integer call() throws IOException {
    SpoolLayout layout = options.open(spec);
    TaskLocator locator = new TaskLocator(layout);
    PrintWriter out = spec.commandLine().getOut();
    boolean tty = System.console() != null && !options.json;
    Map<String, TaskState> ended = new LinkedHashMap<>();
    long deadline = System.nanoTime() + timeout.toNanos();
    long pause = 20_000_000L;
    while (true) {
      for (String id : ids) {
        if (ended.containsKey(id)) {
          continue;
        }
        Optional<TaskName> at = locator.find(id);
        if (at.isEmpty() || at.get().state().isTerminal()) {
          TaskState s = at.map(TaskName::state).orElse(null);
          ended.put(id, s);
          if (!tty) {
            out.println(id + " " + (s == null ? "unknown" : s.code()));
            out.flush();
          }
        }
      }
      if (tty) {
        int width = 30;
        int filled = ids.isEmpty() ? width : ended.size() * width / ids.size();
        out.printf(
            "\r[%s%s] %d/%d ended",
            "#".repeat(filled), ".".repeat(width - filled), ended.size(), ids.size());
        out.flush();
      }
      if (ended.size() == ids.size()) {
        break;
      }
      if (System.nanoTime() - deadline > 0) {
        if (tty) {
          out.println();
        }
        spec.commandLine()
            .getErr()
            .println(
                "spool wait: timed out after "
                    + timeout
                    + " with "
                    + (ids.size() - ended.size())
                    + " task(s) not ended");
        return TIMED_OUT;
      }
      LockSupport.parkNanos(pause);
      pause = Math.min(pause * 2, 500_000_000L);
    }
    if (tty) {
      out.println();
    }
    boolean allDone = ended.values().stream().allMatch(s -> s == TaskState.DONE);
    return allDone ? 0 : 1;
  }
}
