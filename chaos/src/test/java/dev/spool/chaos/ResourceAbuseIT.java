package dev.spool.chaos;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.spool.protocol.json.SpoolJson;
import dev.spool.protocol.result.AttemptResult;
import dev.spool.protocol.result.Outcome;
import dev.spool.protocol.spool.TaskState;
import dev.spool.protocol.task.Task;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Scenario 10: tasks that abuse their host, all bounded so the shared machine is never at risk: an
 * output flood ({@code yes}), a fork "bomb" (a binary process tree of fixed depth, 127 processes,
 * under {@code ulimit -u}; root ignores that limit, so the depth is the real bound), a memory hog
 * under {@code ulimit -v}, a task that never reads its 512 KiB stdin, and one that goes silent.
 * While they run, the worker's heartbeat seq must keep advancing on time (sampled on this JVM's
 * monotonic clock), each abusive task must end by its own limit (timeout, idle timeout, output cap,
 * its ulimit), its whole process tree must be gone, and good tasks on the same worker complete.
 */
@Timeout(600)
class ResourceAbuseIT {
  private static final int CAP = 256 * 1024;

  @TempDir Path tmp;
  private Scenario scenario;

  @AfterEach
  void cleanUp() throws Exception {
    if (scenario != null) {
      scenario.close();
    }
  }

  @Test
  void abusiveTasksEndByTheirLimitsAndTheWorkerStaysResponsive() throws Exception {
    scenario = new Scenario("resource-abuse", tmp);
    Cluster c = scenario.cluster;
    Workload w = scenario.workload;
    c.writeWorkerConfig("output_cap: " + CAP);
    // The shared CI machine may be loaded by others; 5 s (10 beats) separates a stalled worker
    // from a busy host. The measured gap is reported and must stay under it.
    c.deadAfter = Duration.ofSeconds(5);
    String token = "999." + (100000 + (System.nanoTime() % 800000));
    abusive(w, "flood", Duration.ofSeconds(4), null, "yes spool-output-flood");
    abusive(
        w,
        "forkbomb",
        Duration.ofSeconds(4),
        null,
        "ulimit -u 400 2>/dev/null; f() { if [ $1 -gt 0 ]; then f $(($1-1)) & f $(($1-1)) & fi;"
            + " exec sleep "
            + token
            + "; }; f 6");
    abusive(
        w,
        "memhog",
        Duration.ofSeconds(20),
        null,
        "ulimit -v 262144; awk 'BEGIN { s = \"x\"; while (1) s = s s }'");
    abusive(w, "silent", Duration.ofSeconds(30), Duration.ofSeconds(2), "sleep 60");
    w.submitUnmarked(
        Task.builder("nostdin")
            .createdAt(Instant.now())
            .argv(List.of("/bin/sh", "-c", "sleep 2"))
            .stdin("x".repeat(Task.MAX_STDIN_CHARS))
            .maxRetries(0)
            .build(),
        TaskState.DONE);
    w.succeeding("good", 6, Duration.ofMillis(300));
    c.coordinator(Map.of(), List.of());
    Cluster.Daemon worker = c.worker("w1", 6);
    HeartbeatProbe probe = new HeartbeatProbe(c.layout.heartbeat("w1"));
    try {
      scenario.settle(Duration.ofSeconds(120));
    } finally {
      probe.stop();
    }
    assertTrue(worker.alive(), "the worker survived: " + c.tail(worker));
    long gapMs = probe.maxGap().toMillis();
    Invariants.Report r =
        scenario.finish("max_heartbeat_gap=" + gapMs + "ms beats=" + probe.changes());
    assertTrue(
        gapMs < c.deadAfter.toMillis(),
        "heartbeat seq advanced within dead_after (interval 0.5 s): " + gapMs + " ms");
    assertEquals(0, r.lostAttempts(), "no false death");
    AttemptResult flood = result(c, "flood");
    assertEquals(Outcome.Kind.TIMED_OUT, flood.outcome().kind());
    assertTrue(flood.stdout().truncated(), "the flood hit the output cap");
    assertTrue(Files.size(c.layout.stdoutLog("flood", 1)) <= CAP + 4096, "stdout log capped");
    assertEquals(Outcome.Kind.TIMED_OUT, result(c, "forkbomb").outcome().kind());
    assertTrue(
        ProcessHandle.allProcesses()
            .noneMatch(h -> h.info().commandLine().orElse("").contains(token)),
        "the fork tree was killed whole");
    assertEquals(Outcome.Kind.FAILED, result(c, "memhog").outcome().kind());
    assertEquals(Outcome.Kind.IDLE_TIMED_OUT, result(c, "silent").outcome().kind());
    assertEquals(Outcome.Kind.SUCCEEDED, result(c, "nostdin").outcome().kind());
  }

  private static void abusive(Workload w, String id, Duration timeout, Duration idle, String script)
      throws Exception {
    w.submitUnmarked(
        Task.builder(id)
            .createdAt(Instant.now())
            .argv(List.of("/bin/sh", "-c", script))
            .timeout(timeout)
            .idleTimeout(idle)
            .maxRetries(0)
            .build(),
        TaskState.DEAD);
  }

  private static AttemptResult result(Cluster c, String id) throws Exception {
    Path p = c.layout.result(id, 1);
    return SpoolJson.read(p.toString(), Files.readAllBytes(p), AttemptResult.class);
  }
}
