package dev.spool.coordinator;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.spool.protocol.result.EndNote;
import dev.spool.protocol.result.Outcome;
import dev.spool.protocol.spool.Actor;
import dev.spool.protocol.spool.TaskName;
import dev.spool.protocol.spool.TaskState;
import dev.spool.protocol.spool.TerminalReason;
import dev.spool.protocol.task.Dependency;
import dev.spool.protocol.task.Task;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** Retries end to end: fake workers write claims and results, the coordinator decides. */
@Timeout(60)
class RetryAccountingTest {
  @TempDir Path root;

  private static Task task(String id, int maxRetries) {
    return Task.builder(id)
        .createdAt(SpoolFixture.T0)
        .argv(List.of("false"))
        .maxRetries(maxRetries)
        .build();
  }

  /** Runs the fake worker on {@code id} until the task is terminal; returns the attempts run. */
  private static List<Integer> drive(SpoolFixture f, Coordinator c, String id, int succeedOn)
      throws Exception {
    List<Integer> ran = new ArrayList<>();
    for (int step = 0; step < 200; step++) {
      c.tickOnce();
      if (f.terminal(TaskState.DONE, id) || f.terminal(TaskState.DEAD, id)) {
        return ran;
      }
      if (f.find(TaskState.PENDING, id).isPresent()) {
        TaskName.Claimed claim = f.claim(id, "w1", 1);
        ran.add(claim.attempt());
        Outcome o =
            claim.attempt() == succeedOn ? new Outcome.Succeeded() : new Outcome.Failed(1, null);
        assertTrue(f.finish(claim, o));
      } else {
        f.time.advance(Duration.ofSeconds(1));
      }
    }
    throw new AssertionError("task " + id + " did not end");
  }

  @Test
  void aTaskThatAlwaysFailsRunsOnePlusMaxRetriesTimesThenIsDeadWithItsHistory() throws Exception {
    SpoolFixture f = new SpoolFixture(root);
    f.submit(task("always", 3));
    try (Coordinator c = f.coordinator("c1")) {
      assertEquals(List.of(1, 2, 3, 4), drive(f, c, "always", -1));
    }
    f.assertOnlyIn(TaskState.DEAD, "always");
    EndNote note = f.endNote("always");
    assertEquals(TerminalReason.MAX_RETRIES, note.reason());
    assertEquals(4, note.attempts());
    for (int a = 1; a <= 4; a++) {
      assertEquals(Outcome.Kind.FAILED, f.readResult("always", a).outcome().kind());
    }
    assertFalse(Files.exists(f.layout.result("always", 5)));
  }

  @Test
  void aTaskThatFailsTwiceThenSucceedsEndsDoneOnAttemptThree() throws Exception {
    SpoolFixture f = new SpoolFixture(root);
    f.submit(task("flaky", 3));
    try (Coordinator c = f.coordinator("c1")) {
      assertEquals(List.of(1, 2, 3), drive(f, c, "flaky", 3));
    }
    f.assertOnlyIn(TaskState.DONE, "flaky");
    assertEquals(Outcome.Kind.SUCCEEDED, f.readResult("flaky", 3).outcome().kind());
    assertFalse(Files.exists(f.layout.endNote("flaky")), "done needs no end note");
  }

  @Test
  void zeroMaxRetriesMeansOneRun() throws Exception {
    SpoolFixture f = new SpoolFixture(root);
    f.submit(task("once", 0));
    try (Coordinator c = f.coordinator("c1")) {
      assertEquals(List.of(1), drive(f, c, "once", -1));
    }
    f.assertOnlyIn(TaskState.DEAD, "once");
  }

  @Test
  void theBackoffScheduleIsInTheScheduledNameAndDoublesPerFailure() throws Exception {
    SpoolFixture f = new SpoolFixture(root);
    f.submit(task("b", 5));
    List<Long> delays = new ArrayList<>();
    try (Coordinator c = f.coordinator("c1")) {
      c.tickOnce();
      for (int i = 0; i < 4; i++) {
        TaskName.Claimed claim = f.claim("b", "w1", 1);
        f.finish(claim, new Outcome.Failed(1, null));
        long failedAt = f.time.millis();
        c.tickOnce();
        TaskName.Scheduled s = (TaskName.Scheduled) f.find(TaskState.SCHEDULED, "b").orElseThrow();
        assertEquals(claim.attempt() + 1, s.attempt());
        delays.add(s.dueMillis() - failedAt);
        f.time.advance(Duration.ofMillis(s.dueMillis() - failedAt - 1));
        c.tickOnce();
        assertTrue(f.find(TaskState.SCHEDULED, "b").isPresent(), "not due a millisecond early");
        f.time.advance(Duration.ofMillis(1));
        c.tickOnce();
        TaskName.Pending p = (TaskName.Pending) f.find(TaskState.PENDING, "b").orElseThrow();
        assertEquals(s.dueMillis(), p.enqueuedMillis(), "enqueue time is the due time");
      }
    }
    // jitter unit 0.5 means no spread: base 1 s, factor 2
    assertEquals(List.of(1000L, 2000L, 4000L, 8000L), delays);
  }

  @Test
  void aFatalLaunchFailureGoesStraightToDead() throws Exception {
    SpoolFixture f = new SpoolFixture(root);
    f.submit(task("fatal", 3));
    try (Coordinator c = f.coordinator("c1")) {
      c.tickOnce();
      f.finish(f.claim("fatal", "w1", 1), new Outcome.LaunchFailed("no such binary: foo", true));
      c.tickOnce();
    }
    f.assertOnlyIn(TaskState.DEAD, "fatal");
    EndNote note = f.endNote("fatal");
    assertEquals(TerminalReason.FATAL, note.reason());
    assertTrue(note.message().contains("no such binary"), note.message());
  }

  @Test
  void killingTheCoordinatorDuringABackoffDoesNotShortenIt() throws Exception {
    SpoolFixture f = new SpoolFixture(root);
    f.submit(task("k", 3));
    long due;
    try (Coordinator c = f.coordinator("c1")) {
      c.tickOnce();
      f.finish(f.claim("k", "w1", 1), new Outcome.Failed(1, null));
      c.tickOnce();
      due = ((TaskName.Scheduled) f.find(TaskState.SCHEDULED, "k").orElseThrow()).dueMillis();
    }
    f.time.advance(Duration.ofMillis(500));
    try (Coordinator c = f.coordinator("c2")) {
      c.tickOnce();
      assertTrue(c.isActive());
      assertTrue(f.find(TaskState.SCHEDULED, "k").isPresent(), "still waiting after restart");
      f.time.advance(Duration.ofMillis(due - f.time.millis()));
      c.tickOnce();
      f.assertOnlyIn(TaskState.PENDING, "k");
    }
  }

  @Test
  void aPassNeverListsTheTerminalDirectories() throws Exception {
    SpoolFixture f = new SpoolFixture(root);
    f.submit(task("r", 3));
    f.publish(
        new TaskName.Parked(TaskState.BLOCKED, "b", 1),
        Task.builder("b")
            .createdAt(SpoolFixture.T0)
            .argv(List.of("x"))
            .dependsOn(new Dependency("r", null))
            .build());
    // A directory that cannot be listed: any listing of done/, dead/ or cancelled/ would throw.
    for (TaskState s : List.of(TaskState.DONE, TaskState.DEAD, TaskState.CANCELLED)) {
      Files.delete(f.layout.dir(s));
      Files.writeString(f.layout.dir(s), "not a directory");
    }
    try (Coordinator c = f.coordinator("c1")) {
      c.tickOnce();
      f.finish(f.claim("r", "w1", 1), new Outcome.Failed(1, null));
      for (int i = 0; i < 10; i++) {
        f.slowPass(c);
      }
      TaskName.Claimed again = f.claim("r", "w1", 1);
      assertEquals(2, again.attempt(), "the retry was decided without listing terminal dirs");
    }
    f.assertOnlyIn(TaskState.BLOCKED, "b");
  }

  @Test
  void aDeadTaskRetriedByAnOperatorGetsFreshAttemptsWithGrowingNumbers() throws Exception {
    SpoolFixture f = new SpoolFixture(root);
    f.submit(task("again", 1));
    try (Coordinator c = f.coordinator("c1")) {
      assertEquals(List.of(1, 2), drive(f, c, "again", -1));
      f.assertOnlyIn(TaskState.DEAD, "again");
      // spool retry: dead/ -> pending/ with the next attempt number; the end note stays.
      f.moves.tryMove(
          new TaskName.Terminal(TaskState.DEAD, "again"),
          new TaskName.Pending(500, f.time.millis(), "again", 3),
          Actor.OPERATOR);
      assertEquals(List.of(3, 4), drive(f, c, "again", -1), "1 + max_retries fresh attempts");
    }
    f.assertOnlyIn(TaskState.DEAD, "again");
    assertEquals(4, f.endNote("again").attempts());
  }
}
