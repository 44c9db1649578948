package dev.spool.worker.publish;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.spool.protocol.json.SpoolJson;
import dev.spool.protocol.result.AttemptResult;
import dev.spool.protocol.result.Outcome;
import dev.spool.protocol.spool.TaskName;
import dev.spool.protocol.spool.TaskState;
import dev.spool.protocol.task.Task;
import dev.spool.worker.testing.TestSpool;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

@Timeout(10)
class AttemptFinisherTest {
  private static final Instant T = Instant.parse("2026-03-01T10:00:00Z");

  @TempDir Path dir;
  private TestSpool spool;
  private AttemptFinisher finisher;
  private final TaskName.Claimed claim = new TaskName.Claimed("t1", 2, "w1", 5);
  private final TaskName.Pending requeue = new TaskName.Pending(500, 1000, "t1", 3);

  @BeforeEach
  void setUp() throws Exception {
    spool = new TestSpool(dir.resolve("spool"));
    finisher =
        new AttemptFinisher(spool.layout, spool.files, spool.moves, Clock.fixed(T, ZoneOffset.UTC));
    Files.write(
        spool.layout.path(claim), SpoolJson.write(Task.ofArgv("t1", T, List.of("/bin/true"))));
  }

  /** A result of attempt 2 of t1 by w1 incarnation 5. */
  static AttemptResult result(Outcome o) {
    return new AttemptResult(
        null, "t1", 2, "w1", 5L, "h", T, T, null, o, null, null, null, null, null, null, null, null,
        null);
  }

  @Test
  void eachOutcomeGoesToItsState() {
    assertEquals(
        new TaskName.Terminal(TaskState.DONE, "t1"),
        AttemptFinisher.target(claim, new Outcome.Succeeded(), requeue));
    assertEquals(
        new TaskName.Terminal(TaskState.CANCELLED, "t1"),
        AttemptFinisher.target(claim, new Outcome.Cancelled("x"), requeue));
    assertEquals(requeue, AttemptFinisher.target(claim, new Outcome.HandedBack("x"), requeue));
    assertEquals(requeue, AttemptFinisher.target(claim, new Outcome.Lost("x"), requeue));
    for (Outcome o :
        List.of(
            new Outcome.Failed(1, null),
            new Outcome.TimedOut(java.time.Duration.ofMillis(1)),
            new Outcome.IdleTimedOut(java.time.Duration.ofMillis(1)),
            new Outcome.LaunchFailed("x", true))) {
      assertEquals(
          new TaskName.Parked(TaskState.FAILED, "t1", 2),
          AttemptFinisher.target(claim, o, requeue));
    }
  }

  @Test
  void publishesThenMovesTheClaim() throws Exception {
    assertEquals(
        AttemptFinisher.Finish.MOVED,
        finisher.finish(claim, result(new Outcome.Failed(2, null)), requeue));
    assertEquals(List.of("t1~2.json"), spool.names(TaskState.FAILED));
    assertEquals(new Outcome.Failed(2, null), spool.result("t1", 2).outcome());
  }

  @Test
  void anAttemptAlreadyDecidedKeepsOurResultAsStaleAndLeavesTheTask() throws Exception {
    spool.files.publishIfAbsent(
        spool.layout.result("t1", 2), SpoolJson.write(result(new Outcome.Lost("coordinator"))));
    assertEquals(
        AttemptFinisher.Finish.ATTEMPT_DECIDED,
        finisher.finish(claim, result(new Outcome.Succeeded()), requeue));
    assertEquals(Outcome.Kind.LOST, spool.result("t1", 2).outcome().kind());
    assertTrue(Files.exists(spool.layout.staleResult("t1", 2, "w1", 5)));
    assertEquals(List.of(claim.fileName()), spool.names(TaskState.CLAIMED));
    assertEquals(0, spool.count(TaskState.DONE));
  }

  @Test
  void aClaimGoneAfterPublishingChangesNothingElse() throws Exception {
    Files.delete(spool.layout.path(claim)); // the coordinator applied or requeued it
    assertEquals(
        AttemptFinisher.Finish.CLAIM_GONE,
        finisher.finish(claim, result(new Outcome.Succeeded()), requeue));
    assertEquals(Outcome.Kind.SUCCEEDED, spool.result("t1", 2).outcome().kind());
    assertEquals(0, spool.count(TaskState.DONE));
  }

  @Test
  void cancelWritesTheEndNoteBeforeTheMove() throws Exception {
    finisher.finish(claim, result(new Outcome.Cancelled("operator")), requeue);
    assertTrue(spool.exists(TaskState.CANCELLED, "t1"));
    assertTrue(Files.readString(spool.layout.endNote("t1")).contains("\"cancelled\""));
  }
}
