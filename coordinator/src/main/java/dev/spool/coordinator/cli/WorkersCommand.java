package dev.spool.coordinator.cli;

import dev.spool.coordinator.view.SpoolSnapshot;
import dev.spool.coordinator.view.WorkerView;
import dev.spool.protocol.json.SpoolJson;
import dev.spool.protocol.spool.SpoolLayout;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** {@code spool workers}: every worker that wrote a heartbeat. */
@Command(
    name = "workers",
    description =
        "Workers: id, host, alive, heartbeat age, slots, version, claims (lost races),"
            + " running tasks.")
final class WorkersCommand implements Callable<Integer> {
  @CommandLine.Spec CommandLine.Model.CommandSpec spec;
  @CommandLine.Mixin SpoolOptions options;

  @Override
  public Integer call() throws IOException {
    SpoolLayout layout = options.open(spec);
    List<WorkerView> workers = SpoolSnapshot.read(layout).workers();
    PrintWriter out = spec.commandLine().getOut();
    if (options.json) {
      List<Object> rows = new ArrayList<>();
      workers.forEach(w -> rows.add(WorkerJson.of(w)));
      out.println(
          new String(SpoolJson.writeOutput(Map.of("workers", rows)), StandardCharsets.UTF_8));
    } else {
      out.printf(
          "%-24s %-16s %-6s %8s %7s %-12s %-16s %s%n",
          "WORKER", "HOST", "ALIVE", "HB AGE", "SLOTS", "VERSION", "CLAIMS (LOST)", "RUNNING");
      for (WorkerView w : workers) {
        var hb = w.heartbeat();
        List<String> running = new ArrayList<>();
        hb.running().forEach(r -> running.add(r.taskId()));
        out.printf(
            "%-24s %-16s %-6s %7.1fs %3d/%-3d %-12s %-16s %s%n",
            hb.workerId(),
            hb.host(),
            w.alive() ? "yes" : "no",
            w.heartbeatAgeMillis() / 1000.0,
            hb.slotsUsed(),
            hb.slotsTotal(),
            hb.version(),
            hb.claimsTotal() + " (" + hb.claimsLostTotal() + ")",
            String.join(",", running));
      }
    }
    out.flush();
    return 0;
  }
}
