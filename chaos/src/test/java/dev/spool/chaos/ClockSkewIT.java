package dev.spool.chaos;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.spool.protocol.json.SpoolJson;
import dev.spool.protocol.result.AttemptResult;
import dev.spool.protocol.spool.TaskState;
import dev.spool.protocol.task.Backoff;
import dev.spool.protocol.task.Task;
import dev.spool.protocol.testing.Await;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Scenario 7: one worker JVM runs under faketime 10 minutes behind, another 1 hour ahead (wall
 * clock only; the monotonic clock is real, as on a host whose NTP is off); the coordinator runs on
 * the real clock. Tasks longer than the coordinator's dead_after run on both: no false death (no
 * lost attempt, no re-execution). Failing tasks with a 3 s backoff: the retry never starts early,
 * measured on the test's own monotonic clock from the appearance of results/ID~1 to that of
 * results/ID~2. Skips with a reason when faketime is missing.
 */
@Timeout(600)
class ClockSkewIT {
  private static final Duration BACKOFF = Duration.ofSeconds(3);

  @TempDir Path tmp;
  private Scenario scenario;

  @AfterEach
  void cleanUp() throws Exception {
    if (scenario != null) {
      scenario.close();
    }
  }

  private static List<String> faketime(String offset) {
    return List.of("faketime", "-m", "--exclude-monotonic", "-f", offset);
  }

  @Test
  void skewedWorkerClocksCauseNoFalseDeathAndNoEarlyRetry() throws Exception {
    Assumptions.assumeTrue(works("faketime", "-f", "+1h", "true"), "faketime is not installed");
    scenario = new Scenario("clock-skew", tmp);
    Cluster c = scenario.cluster;
    Workload w = scenario.workload;
    w.succeeding("slow", 4, Cluster.DEAD_AFTER.multipliedBy(2));
    w.succeeding("t", Size.pick(8, 200), Duration.ofMillis(200));
    for (int i = 0; i < 3; i++) {
      Task t =
          w.task("f" + i, Duration.ZERO, 3)
              .maxRetries(1)
              .backoff(new Backoff(BACKOFF, 1.0, BACKOFF, 0.0))
              .build();
      w.submit(t, TaskState.DEAD);
    }
    c.coordinator(Map.of(), List.of());
    c.worker("behind", 2, Map.of(), faketime("-10m"));
    c.worker("ahead", 2, Map.of(), faketime("+1h"));
    Await.until(
        Duration.ofSeconds(60),
        "both skewed workers beat",
        () -> skew(c, "behind") != null && skew(c, "ahead") != null);
    Duration behind = skew(c, "behind");
    Duration ahead = skew(c, "ahead");
    assertTrue(behind.toMinutes() <= -9, "faketime put 'behind' back: " + behind);
    assertTrue(ahead.toMinutes() >= 59, "faketime put 'ahead' forward: " + ahead);
    scenario.settle(Duration.ofSeconds(180));
    Map<String, Long> seen = scenario.firstSeenNanos();
    long minGap = Long.MAX_VALUE;
    for (int i = 0; i < 3; i++) {
      Long a1 = seen.get("f" + i + "~1.json");
      Long a2 = seen.get("f" + i + "~2.json");
      assertTrue(a1 != null && a2 != null, "both attempts of f" + i + " recorded");
      minGap = Math.min(minGap, a2 - a1);
    }
    Map<String, Integer> byWorker = byWorker(c);
    Invariants.Report r =
        scenario.finish(
            String.format(
                "skews=%dm,+%dm min_retry_gap=%.1fs backoff=%ds by_worker=%s",
                behind.toMinutes(),
                ahead.toMinutes(),
                minGap / 1e9,
                BACKOFF.toSeconds(),
                byWorker));
    assertEquals(0, r.lostAttempts(), "no false death");
    assertEquals(0, r.reexecutions());
    assertTrue(
        minGap >= BACKOFF.minusMillis(300).toNanos(),
        "a retry started "
            + minGap / 1e9
            + " s after the failure, before its "
            + BACKOFF
            + " backoff");
    assertTrue(
        byWorker.getOrDefault("behind", 0) > 0 && byWorker.getOrDefault("ahead", 0) > 0,
        "both ran tasks: " + byWorker);
  }

  /** How far a worker's heartbeat clock is from ours, or null before its first heartbeat. */
  private static Duration skew(Cluster c, String worker) {
    try {
      JsonNode hb = new ObjectMapper().readTree(Files.readAllBytes(c.layout.heartbeat(worker)));
      return Duration.between(Instant.now(), Instant.parse(hb.path("written_at").asText()));
    } catch (Exception e) {
      return null;
    }
  }

  private static Map<String, Integer> byWorker(Cluster c) throws Exception {
    Map<String, Integer> out = new HashMap<>();
    try (DirectoryStream<Path> s = Files.newDirectoryStream(c.layout.results(), "*~1.json")) {
      for (Path p : s) {
        AttemptResult r = SpoolJson.read(p.toString(), Files.readAllBytes(p), AttemptResult.class);
        if (r.worker() != null) {
          out.merge(r.worker(), 1, Integer::sum);
        }
      }
    }
    return out;
  }

  private static boolean works(String... cmd) {
    try {
      Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
      return p.waitFor(10, TimeUnit.SECONDS) && p.exitValue() == 0;
    } catch (Exception e) {
      return false;
    }
  }
}
