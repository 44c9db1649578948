package dev.spool.chaos;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.spool.protocol.spool.TaskState;
import dev.spool.protocol.testing.Await;
import dev.spool.worker.CrashPoints;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * A zombie worker, with the real worker daemon: SIGSTOP the worker JVM while its task runs, past
 * the coordinator's dead_after; the task is requeued and finished by another worker; SIGCONT; the
 * zombie's late result is kept as stale and the task stays in done/. And the same freeze between
 * claim and launch: the resumed zombie sees its claim gone and never starts the stale attempt.
 */
@Timeout(300)
class ZombieWorkerIT {
  @TempDir Path tmp;
  private Scenario scenario;

  @AfterEach
  void cleanUp() throws Exception {
    if (scenario != null) {
      scenario.close();
    }
  }

  private static void signal(String sig, long pid) throws Exception {
    Process p = new ProcessBuilder("kill", "-" + sig, Long.toString(pid)).start();
    assertTrue(
        p.waitFor(10, java.util.concurrent.TimeUnit.SECONDS) && p.exitValue() == 0, "kill -" + sig);
  }

  private long count(Path dir, String suffix) throws Exception {
    try (Stream<Path> s = Files.list(dir)) {
      return s.filter(p -> p.getFileName().toString().endsWith(suffix)).count();
    }
  }

  @Test
  void aStoppedWorkersLateResultIsKeptAsStaleAndChangesNothing() throws Exception {
    scenario = new Scenario("zombie-worker", tmp);
    Cluster c = scenario.cluster;
    c.coordinator(Map.of(), List.of());
    Cluster.Daemon zombie = c.worker("zombie", 1);
    String id = scenario.workload.succeeding("z-", 1, Duration.ofSeconds(4)).get(0);
    Path claimed = c.layout.dir(TaskState.CLAIMED);
    Await.until(
        Duration.ofSeconds(30),
        "the zombie claims the task",
        () -> {
          try {
            return count(claimed, "~zombie~1.json") + count(claimed, "~zombie~2.json") > 0;
          } catch (Exception e) {
            return false;
          }
        });
    // Stop it once its process runs (the task writes its marker first): a worker paused between
    // claim and launch would start the lost attempt on resume, which is another case.
    Path marker = c.markers.resolve(id);
    Await.until(Duration.ofSeconds(30), "the zombie's attempt started", () -> Files.exists(marker));
    signal("STOP", zombie.process().pid());
    scenario.fault();
    c.worker("healthy", 1);
    Await.until(
        Duration.ofSeconds(60),
        "the task finished elsewhere",
        () -> Files.exists(c.layout.terminal(TaskState.DONE, id)));
    signal("CONT", zombie.process().pid());
    Await.until(
        Duration.ofSeconds(60),
        "the zombie published its late result as stale",
        () -> {
          try {
            return count(c.layout.results(), ".stale.json") == 1;
          } catch (Exception e) {
            return false;
          }
        });
    assertTrue(
        Files.exists(c.layout.terminal(TaskState.DONE, id)), "the task's state is unchanged");
    Invariants.Report r = scenario.finish("");
    assertEquals(1, r.staleResults(), "one stale result");
    assertTrue(r.lostAttempts() >= 1, "the stopped attempt was recorded lost");
  }

  @Test
  void aWorkerFrozenBetweenClaimAndLaunchNeverRunsTheStaleAttempt() throws Exception {
    scenario = new Scenario("zombie-before-launch", tmp);
    Cluster c = scenario.cluster;
    c.coordinator(Map.of(), List.of());
    Path pauses = tmp.resolve("pauses");
    Cluster.Daemon zombie =
        c.worker(
            "zombie",
            1,
            Map.of(
                "spool.worker.pauseAt",
                CrashPoints.BEFORE_LAUNCH,
                "spool.worker.pauseDir",
                pauses.toString()),
            List.of());
    String id = scenario.workload.succeeding("b-", 1, Duration.ZERO).get(0);
    Path reached = pauses.resolve(CrashPoints.BEFORE_LAUNCH + ".reached");
    Await.until(
        Duration.ofSeconds(30),
        "the zombie claimed and is about to launch",
        () -> Files.exists(reached));
    // Freeze the whole JVM (heartbeats stop too), then let the paused slot thread go on: it runs
    // only after SIGCONT, exactly where a GC pause or VM freeze would resume it.
    signal("STOP", zombie.process().pid());
    Files.writeString(pauses.resolve(CrashPoints.BEFORE_LAUNCH + ".release"), "");
    scenario.fault();
    c.worker("healthy", 1);
    Await.until(
        Duration.ofSeconds(60),
        "the task finished elsewhere",
        () -> Files.exists(c.layout.terminal(TaskState.DONE, id)));
    signal("CONT", zombie.process().pid());
    Await.until(
        Duration.ofSeconds(30),
        "the resumed zombie abandoned its stale attempt",
        () -> {
          try {
            return Files.readString(zombie.log()).contains("attempt_abandoned task=" + id);
          } catch (Exception e) {
            return false;
          }
        });
    assertEquals(
        List.of("2 healthy"),
        Files.readAllLines(c.markers.resolve(id)),
        "the task ran exactly once, as attempt 2 on the healthy worker");
    assertEquals(0, count(c.layout.results(), ".stale.json"), "the zombie published nothing");
    Invariants.Report r = scenario.finish("");
    assertEquals(1, r.lostAttempts(), "the frozen attempt was recorded lost");
  }
}
