package dev.spool.chaos;

import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.spool.protocol.spool.TaskState;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Scenario 2: three worker JVMs and a coordinator under a steady stream of submissions; every 1 to
 * 3 s a random worker gets kill -9 and comes back (same id, new incarnation) 0 to 1.5 s later. The
 * seed is printed; {@code -Dspool.chaos.seed=N} replays a schedule. CI: 30 s; soak: 2 minutes.
 */
@Timeout(900)
class WorkerKillChaosIT {
  @TempDir Path tmp;
  private Scenario scenario;

  @AfterEach
  void cleanUp() throws Exception {
    if (scenario != null) {
      scenario.close();
    }
  }

  @Test
  void randomKill9OfWorkersLosesNothing() throws Exception {
    long seed = Long.getLong("spool.chaos.seed", System.nanoTime());
    Random rnd = new Random(seed);
    Duration chaos = Duration.ofSeconds(Size.pick(30, 120));
    scenario = new Scenario("worker-kill9-chaos", tmp);
    Cluster c = scenario.cluster;
    c.coordinator(Map.of(), List.of());
    List<Cluster.Daemon> workers = new ArrayList<>();
    for (int i = 1; i <= 3; i++) {
      workers.add(c.worker("w" + i, 2));
    }
    long end = System.nanoTime() + chaos.toNanos();
    int batch = 0;
    while (System.nanoTime() < end) {
      scenario.workload.succeeding(
          "b" + (batch++) + "-", 8, Duration.ofMillis(300 + rnd.nextInt(1200)));
      FaultSchedule.runFor(Duration.ofMillis(1000 + rnd.nextInt(2000)));
      int v = rnd.nextInt(workers.size());
      c.kill9(workers.get(v));
      scenario.fault();
      FaultSchedule.runFor(Duration.ofMillis(rnd.nextInt(1500)));
      // Mostly the same id (its successor incarnation recovers the claims at start); sometimes a
      // new id, so the coordinator's dead-worker path has to recover them.
      String id = rnd.nextInt(3) == 0 ? "w" + (v + 1) + "g" + batch : "w" + (v + 1);
      workers.set(v, c.worker(id, 2));
    }
    scenario.settle(Duration.ofSeconds(120));
    Invariants.Report r = scenario.finish("seed=" + seed + " chaos=" + chaos.toSeconds() + "s");
    assertTrue(r.states().get(TaskState.DONE) == r.tasks(), "all done: " + r.states());
  }
}
