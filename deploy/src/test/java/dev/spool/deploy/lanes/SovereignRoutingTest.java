package dev.spool.deploy.lanes;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.spool.protocol.result.AttemptResult;
import dev.spool.protocol.spool.TaskState;
import dev.spool.protocol.task.Backoff;
import dev.spool.protocol.task.Task;
import dev.spool.protocol.testing.Await;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * A sovereign chain lists a remote lane too, and still never uses it: tasks wait while the local
 * lane is busy, a failing local lane exhausts the task's retries on that lane, and an explicit
 * remote lane on a sovereign type is never run. The remote lane itself works (a reasoning task runs
 * there meanwhile).
 */
@Timeout(60)
class SovereignRoutingTest {
  @TempDir Path dir;
  private LaneFleet fleet;

  @BeforeEach
  void setUp() throws Exception {
    fleet = new LaneFleet(dir);
  }

  @AfterEach
  void tearDown() {
    fleet.close();
  }

  @Test
  void aSovereignTaskNeverRunsOnARemoteLane() throws Exception {
    fleet.routing(
        "types:\n"
            + "  sovereign: {lanes: [local-busy, cloud], sovereign: true}\n"
            + "  sovereign-broken: {lanes: [local-broken, cloud], sovereign: true}\n"
            + "  reasoning: [cloud]\n");
    fleet.worker(
        "w1",
        "slots: 6\nlanes:\n"
            + "  local-busy: {argv: ["
            + fleet.cli("slow-output.sh")
            + "], local: true, concurrency: 1}\n"
            + "  local-broken: {argv: ["
            + fleet.cli("fails.sh")
            + "], local: true}\n"
            + "  cloud: {argv: ["
            + fleet.cli("answer.sh")
            + ", cloud, \"0\"], concurrency: 4, answer: {json: response}}\n");
    fleet.coordinator();
    for (int i = 1; i <= 3; i++) {
      fleet.submit(LaneFleet.prompt("s" + i, "sovereign", "private " + i));
    }
    Task broken =
        LaneFleet.prompt("b1", "sovereign-broken", "private b").toBuilder()
            .maxRetries(1)
            .backoff(new Backoff(Duration.ofMillis(200), 2.0, Duration.ofSeconds(1), 0.0))
            .build();
    fleet.submit(broken);
    fleet.submit(
        LaneFleet.prompt("e1", "sovereign", "private e").toBuilder().lane("cloud").build());
    fleet.submit(LaneFleet.prompt("r1", "reasoning", "public"));
    Await.until(
        Duration.ofSeconds(40),
        "s1..s3 done, b1 dead, r1 done",
        () -> fleet.count(TaskState.DONE) == 4 && fleet.in(TaskState.DEAD, "b1"));
    for (int i = 1; i <= 3; i++) {
      for (AttemptResult r : fleet.results("s" + i)) {
        assertEquals("local-busy", r.lane(), "s" + i + " ran locally");
      }
    }
    List<AttemptResult> b1 = fleet.results("b1");
    assertEquals(2, b1.size(), "one try and one retry, both local: " + b1);
    for (AttemptResult r : b1) {
      assertEquals("local-broken", r.lane());
      assertEquals("failed", r.classification());
    }
    assertEquals("cloud", fleet.results("r1").get(0).lane());
    assertTrue(fleet.results("e1").isEmpty(), "an explicit remote lane is refused");
    assertEquals(1, fleet.count(TaskState.PENDING), "e1 waits for a local lane named cloud");
  }
}
