package dev.spool.chaos;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.spool.protocol.spool.TaskName;
import dev.spool.protocol.spool.TaskState;
import dev.spool.worker.CrashPoints;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Scenario 1: a worker JVM halts (kill -9 semantics: {@code Runtime.halt}, no shutdown hooks) at a
 * named step ({@link CrashPoints}); then either the same worker id restarts (its successor
 * incarnation recovers the claims) or only another worker runs (the coordinator declares the dead
 * worker's claims lost). Nothing is lost, every re-execution is explained by the crash, and a
 * result that reached results/ before the crash is applied, never redone. CI: each point once,
 * alternating the recovery path; soak: 10 times per point.
 */
@Timeout(900)
class WorkerCrashPointIT {
  @TempDir Path tmp;
  private Scenario scenario;

  static List<Object[]> points() {
    List<String> names =
        List.of(
            CrashPoints.AFTER_CLAIM,
            CrashPoints.AFTER_PROCESS_START,
            CrashPoints.AFTER_RESULT_PUBLISH,
            CrashPoints.DURING_HEARTBEAT_WRITE);
    List<Object[]> out = new ArrayList<>();
    int repeat = Size.pick(1, 10);
    for (int i = 0; i < repeat; i++) {
      for (int p = 0; p < names.size(); p++) {
        out.add(new Object[] {names.get(p), (i + p) % 2 == 0, i});
      }
    }
    return out;
  }

  @AfterEach
  void cleanUp() throws Exception {
    if (scenario != null) {
      scenario.close();
    }
  }

  @ParameterizedTest(name = "{0} restart_same_id={1} run={2}")
  @MethodSource("points")
  void aWorkerKilledAtANamedStepLosesNothing(String point, boolean sameId, int run)
      throws Exception {
    scenario = new Scenario("worker-crash-" + point, tmp);
    Cluster c = scenario.cluster;
    scenario.workload.succeeding("t", 6, Duration.ofMillis(800));
    c.coordinator(Map.of(), List.of());
    int hit = point.equals(CrashPoints.DURING_HEARTBEAT_WRITE) ? 4 : 1;
    Cluster.Daemon victim =
        c.worker(
            "w1",
            2,
            Map.of("spool.worker.crashAt", point, "spool.worker.crashAt.hit", "" + hit),
            List.of());
    assertEquals(137, c.awaitExit(victim, Duration.ofSeconds(60)), c.tail(victim));
    scenario.fault();
    List<String> decided = claimsWithResult(c);
    if (point.equals(CrashPoints.AFTER_RESULT_PUBLISH)) {
      assertFalse(decided.isEmpty(), "the crash left a claim whose result is published");
    }
    if (sameId) {
      c.worker("w1", 2);
    } else {
      c.worker("w2", 2);
    }
    scenario.settle(Duration.ofSeconds(90));
    Invariants.Report r =
        scenario.finish("point=" + point + " recovery=" + (sameId ? "successor" : "coordinator"));
    for (String claim : decided) {
      TaskName.Claimed cl = (TaskName.Claimed) c.layout.parse(TaskState.CLAIMED, claim).get();
      List<Integer> ran = scenario.workload.runs().get(cl.id());
      assertEquals(List.of(cl.attempt()), ran, cl.id() + ": a published result is never redone");
      assertTrue(Files.exists(c.layout.terminal(TaskState.DONE, cl.id())), cl.id());
    }
    assertEquals(6, r.states().get(TaskState.DONE));
  }

  /** Claims left in claimed/ whose attempt already has its result record. */
  private static List<String> claimsWithResult(Cluster c) throws Exception {
    List<String> out = new ArrayList<>();
    try (DirectoryStream<Path> s = Files.newDirectoryStream(c.layout.dir(TaskState.CLAIMED))) {
      for (Path p : s) {
        var n = c.layout.parse(TaskState.CLAIMED, p.getFileName().toString());
        if (n.isPresent()) {
          TaskName.Claimed cl = (TaskName.Claimed) n.get();
          if (Files.exists(c.layout.result(cl.id(), cl.attempt()))) {
            out.add(p.getFileName().toString());
          }
        }
      }
    }
    return out;
  }
}
