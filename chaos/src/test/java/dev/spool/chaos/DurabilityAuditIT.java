package dev.spool.chaos;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.spool.protocol.spool.TaskState;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The durability audit: one worker and the coordinator each run under {@code strace -f -y} over 100
 * tasks (successes, retried failures that end dead, cancels the coordinator applies), and {@link
 * TraceAudit} checks the real system calls: fsync before every publish, the directory fsynced
 * after, the WAL fsynced before the renames it announces. Skips with a reason when strace is
 * missing or ptrace is not permitted.
 */
@Timeout(600)
class DurabilityAuditIT {
  private static final String CALLS =
      "trace=openat,write,writev,pwrite64,fsync,fdatasync,rename,renameat,renameat2,link,linkat";

  @TempDir Path tmp;
  private Scenario scenario;

  @AfterEach
  void cleanUp() throws Exception {
    if (scenario != null) {
      scenario.close();
    }
  }

  private static List<String> strace(Path out) {
    return List.of(
        "strace",
        "-f",
        "-y",
        "-qq",
        "-s",
        "200",
        "--seccomp-bpf",
        "-e",
        CALLS,
        "-o",
        out.toString());
  }

  @Test
  void everyPublishIsFsyncedBeforeItsRenameAndItsDirectoryAfter() throws Exception {
    Assumptions.assumeTrue(straceWorks(), "strace missing or ptrace not permitted here");
    scenario = new Scenario("durability-audit", tmp);
    Cluster c = scenario.cluster;
    Workload w = scenario.workload;
    w.succeeding("t", 90, Duration.ZERO);
    for (int i = 0; i < 5; i++) {
      w.failing("f" + i, 1);
      w.cancelWhileScheduled("c" + i);
    }
    Path coordTrace = tmp.resolve("coordinator.trace");
    Path workerTrace = tmp.resolve("worker.trace");
    c.coordinator(Map.of(), strace(coordTrace));
    c.worker("w1", 4, Map.of(), strace(workerTrace));
    scenario.settle(Duration.ofSeconds(240));
    c.stopAll();
    List<String> lines = new ArrayList<>();
    List<String> violations = new ArrayList<>();
    for (Path trace : List.of(coordTrace, workerTrace)) {
      TraceAudit.Result r = TraceAudit.audit(trace, c.layout.root(), trace.equals(workerTrace));
      String who = trace.getFileName().toString().replace(".trace", "");
      lines.add(
          String.format(
              "%s_publishes=%d %s_moves=%d %s_dir_fsyncs=%d %s_wal_writes=%d"
                  + " %s_wal_unforced_applied_markers=%d %s_violations=%d",
              who,
              r.publishes(),
              who,
              r.moves(),
              who,
              r.dirFsyncs(),
              who,
              r.walWrites(),
              who,
              r.walUnforcedMarkers(),
              who,
              r.violations().size()));
      r.violations().forEach(x -> violations.add(who + ": " + x));
      assertTrue(r.publishes() + r.moves() > 0, who + " trace has renames: " + trace);
    }
    violations.stream().limit(40).forEach(System.out::println);
    keep(coordTrace);
    keep(workerTrace);
    Invariants.Report report = scenario.finish(String.join(" ", lines));
    assertEquals(90, report.states().get(TaskState.DONE));
    assertEquals(List.of(), violations, "durability violations");
  }

  /** Copies a trace next to the summary file (chaos/target/) for a human to read. */
  private static void keep(Path trace) throws IOException {
    String summary = System.getProperty("spool.chaos.summary");
    if (summary != null) {
      Files.copy(
          trace,
          Path.of(summary).resolveSibling("durability-" + trace.getFileName()),
          StandardCopyOption.REPLACE_EXISTING);
    }
  }

  private static boolean straceWorks() {
    try {
      Process p =
          new ProcessBuilder("strace", "-f", "-qq", "-o", "/dev/null", "true")
              .redirectErrorStream(true)
              .start();
      return p.waitFor(10, TimeUnit.SECONDS) && p.exitValue() == 0;
    } catch (Exception e) {
      return false;
    }
  }
}
