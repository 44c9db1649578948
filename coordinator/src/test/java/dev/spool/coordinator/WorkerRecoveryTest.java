package dev.spool.coordinator;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.spool.protocol.result.Outcome;
import dev.spool.protocol.spool.TaskName;
import dev.spool.protocol.spool.TaskState;
import dev.spool.protocol.spool.TerminalReason;
import dev.spool.protocol.task.Task;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** A dead worker's claims: lost, requeued, or finished from the worker's own result. */
@Timeout(60)
class WorkerRecoveryTest {
  @TempDir Path root;

  private static Task task(String id) {
    return Task.builder(id).createdAt(SpoolFixture.T0).argv(List.of("true")).maxLost(1).build();
  }

  /** Ticks every 250 ms of fake time for {@code d}, the worker's heartbeat frozen. */
  private static void runFor(SpoolFixture f, Coordinator c, Duration d) throws Exception {
    runFor(f, c, d, Duration.ofMillis(250));
  }

  private static void runFor(SpoolFixture f, Coordinator c, Duration d, Duration step)
      throws Exception {
    for (long t = 0; t < d.toMillis(); t += step.toMillis()) {
      f.time.advance(step);
      c.tickOnce();
    }
  }

  @Test
  void aDeadWorkersClaimIsRecordedLostAndRequeuedWithTheNextAttempt() throws Exception {
    SpoolFixture f = new SpoolFixture(root);
    f.submit(task("t"));
    f.heartbeat("w1", 1, 5);
    try (Coordinator c = f.coordinator("c1")) {
      c.tickOnce();
      TaskName.Claimed claim = f.claim("t", "w1", 1);
      runFor(f, c, Duration.ofSeconds(14));
      assertTrue(f.find(TaskState.CLAIMED, "t").isPresent(), "not dead before dead_after");
      runFor(f, c, Duration.ofSeconds(2));
      f.assertOnlyIn(TaskState.PENDING, "t");
      assertEquals(2, f.find(TaskState.PENDING, "t").orElseThrow().attempt());
      assertEquals(Outcome.Kind.LOST, f.readResult("t", 1).outcome().kind());

      // The zombie wakes up: its result cannot be published and nothing changes.
      assertFalse(f.publishResult(claim, new Outcome.Succeeded()));
      assertEquals(Outcome.Kind.LOST, f.readResult("t", 1).outcome().kind());
      f.assertOnlyIn(TaskState.PENDING, "t");
    }
  }

  @Test
  void aWorkerThatKeepsBeatingKeepsItsClaim() throws Exception {
    SpoolFixture f = new SpoolFixture(root);
    f.submit(task("t"));
    try (Coordinator c = f.coordinator("c1")) {
      c.tickOnce();
      f.claim("t", "w1", 1);
      for (int seq = 0; seq < 30; seq++) {
        f.heartbeat("w1", 1, seq);
        runFor(f, c, Duration.ofSeconds(2));
      }
      f.assertOnlyIn(TaskState.CLAIMED, "t");
    }
  }

  @Test
  void aResultPublishedBeforeTheWorkerDiedIsAppliedNotRedone() throws Exception {
    SpoolFixture f = new SpoolFixture(root);
    f.submit(task("ok"));
    f.submit(task("bad"));
    try (Coordinator c = f.coordinator("c1")) {
      c.tickOnce();
      TaskName.Claimed ok = f.claim("ok", "w1", 1);
      TaskName.Claimed bad = f.claim("bad", "w1", 1);
      assertTrue(f.publishResult(ok, new Outcome.Succeeded()));
      assertTrue(f.publishResult(bad, new Outcome.Failed(2, null)));
      runFor(f, c, Duration.ofSeconds(16));
    }
    f.assertOnlyIn(TaskState.DONE, "ok");
    assertEquals(Outcome.Kind.SUCCEEDED, f.readResult("ok", 1).outcome().kind());
    assertEquals(Outcome.Kind.FAILED, f.readResult("bad", 1).outcome().kind());
    assertFalse(Files.exists(f.layout.result("bad", 2)), "a decided attempt is never redone");
    assertTrue(
        f.find(TaskState.SCHEDULED, "bad").isPresent()
            || f.find(TaskState.PENDING, "bad").isPresent(),
        "the failed attempt goes through the retry policy");
  }

  @Test
  void aTaskThatKeepsKillingWorkersEndsDeadWithMaxLost() throws Exception {
    SpoolFixture f = new SpoolFixture(root);
    f.submit(task("poison"));
    try (Coordinator c = f.coordinator("c1")) {
      c.tickOnce();
      f.claim("poison", "w1", 1);
      runFor(f, c, Duration.ofSeconds(16));
      assertEquals(2, f.find(TaskState.PENDING, "poison").orElseThrow().attempt());
      f.claim("poison", "w2", 1);
      runFor(f, c, Duration.ofSeconds(16));
    }
    f.assertOnlyIn(TaskState.DEAD, "poison");
    assertEquals(TerminalReason.MAX_LOST, f.endNote("poison").reason());
    assertEquals(2, f.endNote("poison").attempts());
  }

  @Test
  void theClaimsOfAWorkersPreviousIncarnationAreRecovered() throws Exception {
    SpoolFixture f = new SpoolFixture(root);
    f.submit(task("t"));
    try (Coordinator c = f.coordinator("c1")) {
      c.tickOnce();
      f.claim("t", "w1", 1);
      for (int seq = 0; seq < 10; seq++) {
        f.heartbeat("w1", 2, seq); // restarted: new incarnation, beating
        runFor(f, c, Duration.ofSeconds(2));
      }
    }
    f.assertOnlyIn(TaskState.PENDING, "t");
  }

  @Test
  void aPausedCoordinatorDoesNotDeclareDeathsOnWakingUp() throws Exception {
    SpoolFixture f = new SpoolFixture(root);
    f.submit(task("t"));
    f.heartbeat("w1", 1, 1);
    try (Coordinator c = f.coordinator("c1")) {
      c.tickOnce();
      f.claim("t", "w1", 1);
      runFor(f, c, Duration.ofSeconds(5));
      f.time.advance(Duration.ofMinutes(3)); // the coordinator was SIGSTOPped
      f.heartbeat("w1", 1, 1); // same seq: the worker wrote nothing the coordinator could see
      runFor(f, c, Duration.ofSeconds(14));
      f.assertOnlyIn(TaskState.CLAIMED, "t");
    }
  }

  @Test
  void aTaskPastItsHardTimeoutOnALiveWorkerGetsACancelRequest() throws Exception {
    SpoolFixture f = new SpoolFixture(root);
    f.submit(
        Task.builder("slow")
            .createdAt(SpoolFixture.T0)
            .argv(List.of("sleep", "1000"))
            .timeout(Duration.ofSeconds(60))
            .build());
    try (Coordinator c = f.coordinator("c1")) {
      c.tickOnce();
      f.claim("slow", "w1", 1);
      long seq = 0;
      for (int i = 0; i < 44; i++) { // 88 s: under timeout + grace (60 + 30)
        f.heartbeat("w1", 1, seq++);
        runFor(f, c, Duration.ofSeconds(2), Duration.ofSeconds(1));
      }
      assertFalse(Files.exists(f.layout.cancelRequest("slow")));
      for (int i = 0; i < 2; i++) {
        f.heartbeat("w1", 1, seq++);
        runFor(f, c, Duration.ofSeconds(2), Duration.ofSeconds(1));
      }
      assertTrue(Files.exists(f.layout.cancelRequest("slow")));
      f.assertOnlyIn(TaskState.CLAIMED, "slow");
    }
  }
}
