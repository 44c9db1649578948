package dev.spool.coordinator.cli;

import dev.spool.coordinator.ops.ActionResult;
import dev.spool.coordinator.ops.OperatorActions;
import dev.spool.coordinator.view.SpoolSnapshot;
import dev.spool.coordinator.view.WorkerView;
import dev.spool.protocol.spool.SpoolLayout;
import java.io.IOException;
import java.io.PrintWriter;
import java.time.Clock;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * {@code spool requeue --worker W}: hand a dead worker's claims back without waiting for a
 * coordinator.
 */
@Command(
    name = "requeue",
    description =
        "Requeue every claim of a worker (operator recovery); refuses a worker that looks alive unless --force.")
final class RequeueCommand implements Callable<Integer> {
  @CommandLine.Spec CommandLine.Model.CommandSpec spec;
  @CommandLine.Mixin SpoolOptions options;

  @CommandLine.Option(names = "--worker", required = true, paramLabel = "W")
  String worker;

  @CommandLine.Option(
      names = "--force",
      description =
          "Also when the worker's heartbeat is fresh (its results will be kept as stale).")
  boolean force;

  private final Clock clock;

  RequeueCommand(Clock clock) {
    this.clock = clock;
  }

  @Override
  public Integer call() throws IOException {
    SpoolLayout layout = options.open(spec);
    PrintWriter out = spec.commandLine().getOut();
    for (WorkerView w : SpoolSnapshot.read(layout).workers()) {
      if (w.heartbeat().workerId().equals(worker) && w.alive() && !force) {
        spec.commandLine()
            .getErr()
            .println(
                "spool requeue: "
                    + worker
                    + " beat "
                    + w.heartbeatAgeMillis() / 1000.0
                    + " s ago and looks alive; use --force to requeue anyway");
        return 1;
      }
    }
    String who = "operator " + System.getProperty("user.name", "?") + "@" + HostName.get();
    List<ActionResult> results =
        new OperatorActions(layout, SpoolOptions.files(layout), clock, who).requeueWorker(worker);
    int refused = 0;
    for (ActionResult r : results) {
      if (r instanceof ActionResult.Moved) {
        out.println("requeued " + ((ActionResult.Moved) r).now().id());
      } else {
        out.println("left " + r);
        refused++;
      }
    }
    out.println(
        results.size()
            + " claim(s) of "
            + worker
            + ", "
            + (results.size() - refused)
            + " requeued");
    out.flush();
    return refused == 0 ? 0 : 1;
  }
}
