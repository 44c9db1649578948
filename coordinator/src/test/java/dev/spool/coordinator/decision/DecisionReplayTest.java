package dev.spool.coordinator.decision;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.spool.coordinator.wal.WriteAheadLog;
import dev.spool.protocol.control.ControlRequest;
import dev.spool.protocol.fs.AtomicFiles;
import dev.spool.protocol.fs.FileOps;
import dev.spool.protocol.json.SpoolJson;
import dev.spool.protocol.result.AttemptResult;
import dev.spool.protocol.result.EndNote;
import dev.spool.protocol.result.Outcome;
import dev.spool.protocol.spool.SpoolLayout;
import dev.spool.protocol.spool.TaskMoves;
import dev.spool.protocol.spool.TaskName;
import dev.spool.protocol.spool.TaskState;
import dev.spool.protocol.spool.TerminalReason;
import dev.spool.protocol.task.Task;
import dev.spool.protocol.wal.WalRecord;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Crash states from fixtures: a decision durable in the WAL whose steps stopped part-way, and what
 * replay at start-up makes of each.
 */
@Timeout(30)
class DecisionReplayTest {
  private static final Instant T0 = Instant.parse("2026-11-21T10:00:00Z");
  private static final Clock CLOCK = Clock.fixed(T0, ZoneOffset.UTC);

  @TempDir Path root;
  private SpoolLayout layout;
  private AtomicFiles files;
  private TaskMoves moves;

  @BeforeEach
  void spool() throws Exception {
    layout = SpoolLayout.create(root, T0);
    files = new AtomicFiles(FileOps.real(), layout.tmp(), true);
    moves = new TaskMoves(layout, files);
  }

  private Task task(String id) {
    return Task.builder(id).createdAt(T0).argv(List.of("x")).build();
  }

  /** A task file at {@code name}, put there as the worker or submitter would have. */
  private void place(TaskName name, String id) throws Exception {
    Path p = layout.path(name);
    files.replace(p, SpoolJson.write(task(id)));
  }

  /** Logs decisions as a coordinator that crashed right after the append would have. */
  private void logged(Decision... ds) throws Exception {
    try (WriteAheadLog wal = WriteAheadLog.open(layout.wal(), 1, files)) {
      for (Decision d : ds) {
        wal.append(d.toDraft(layout, T0));
      }
    }
  }

  private int recover() throws Exception {
    try (DecisionLog log = DecisionLog.open(layout, files, 2, CLOCK)) {
      int open = log.recover();
      assertEquals(List.of(), log.openDecisions());
      return open;
    }
  }

  private AttemptResult result(String id, int attempt) throws Exception {
    Path p = layout.result(id, attempt);
    return SpoolJson.read(p.toString(), Files.readAllBytes(p), AttemptResult.class);
  }

  private boolean at(TaskName n) {
    return Files.exists(layout.path(n));
  }

  @Test
  void aRetryWhoseRenameDidNotHappenIsFinishedWithItsLoggedDueTime() throws Exception {
    TaskName failed = new TaskName.Parked(TaskState.FAILED, "t", 1);
    TaskName sched = new TaskName.Scheduled(T0.toEpochMilli() + 4000, 500, "t", 2);
    place(failed, "t");
    logged(new Decision(Decision.RETRY, failed, sched, null, T0.plusSeconds(4), null));
    assertEquals(1, recover());
    assertTrue(at(sched));
    assertFalse(at(failed));
  }

  @Test
  void aDecisionWhoseRenameHappenedIsNotAppliedAgain() throws Exception {
    TaskName failed = new TaskName.Parked(TaskState.FAILED, "t", 1);
    TaskName pending = new TaskName.Pending(500, T0.toEpochMilli(), "t", 2);
    place(pending, "t");
    logged(new Decision(Decision.RETRY, failed, pending, null, null, null));
    recover();
    assertTrue(at(pending));
    assertEquals(1, Files.list(layout.dir(TaskState.PENDING)).count());
  }

  private Decision lost(TaskName.Claimed claim, TaskName to) {
    ObjectNode d = Decision.newDetail();
    d.put("worker", claim.worker());
    d.put("priority", 500);
    return new Decision(Decision.LOST, claim, to, null, null, d);
  }

  @Test
  void aLostDecisionCutBeforeTheResultPublishesLostAndRequeues() throws Exception {
    TaskName.Claimed claim = new TaskName.Claimed("t", 1, "w1", 3);
    TaskName.Pending next = new TaskName.Pending(500, T0.toEpochMilli(), "t", 2);
    place(claim, "t");
    logged(lost(claim, next));
    recover();
    assertTrue(at(next));
    assertFalse(at(claim));
    assertEquals(Outcome.Kind.LOST, result("t", 1).outcome().kind());
  }

  @Test
  void aLostDecisionCutAfterTheResultKeepsThatResultAndRequeues() throws Exception {
    TaskName.Claimed claim = new TaskName.Claimed("t", 1, "w1", 3);
    TaskName.Pending next = new TaskName.Pending(500, T0.toEpochMilli(), "t", 2);
    place(claim, "t");
    AttemptResult mine =
        new AttemptResult(
            null,
            "t",
            1,
            "w1",
            3L,
            null,
            null,
            T0,
            null,
            new Outcome.Lost("earlier run"),
            null,
            null,
            null,
            null,
            null,
            null,
            null,
            null,
            "first");
    files.publishIfAbsent(layout.result("t", 1), SpoolJson.write(mine));
    logged(lost(claim, next));
    recover();
    assertTrue(at(next));
    assertEquals("first", result("t", 1).message(), "the published result is never rewritten");
  }

  @Test
  void aLostDecisionFindsTheWorkersResultAndAppliesIt() throws Exception {
    TaskName.Claimed claim = new TaskName.Claimed("t", 1, "w1", 3);
    place(claim, "t");
    AttemptResult ok =
        new AttemptResult(
            null,
            "t",
            1,
            "w1",
            3L,
            null,
            null,
            T0,
            null,
            new Outcome.Succeeded(),
            null,
            null,
            null,
            null,
            null,
            null,
            null,
            null,
            null);
    files.publishIfAbsent(layout.result("t", 1), SpoolJson.write(ok));
    logged(lost(claim, new TaskName.Pending(500, T0.toEpochMilli(), "t", 2)));
    recover();
    assertTrue(Files.exists(layout.terminal(TaskState.DONE, "t")));
    assertFalse(at(claim));
    assertEquals(0, Files.list(layout.dir(TaskState.PENDING)).count(), "never redone");
  }

  @Test
  void aDeadDecisionCutAfterTheEndNoteIsFinished() throws Exception {
    TaskName failed = new TaskName.Parked(TaskState.FAILED, "t", 4);
    place(failed, "t");
    ObjectNode d = Decision.newDetail();
    d.put("message", "4 failed attempts");
    Decision dead = Decision.dead(failed, TerminalReason.MAX_RETRIES, d);
    EndNote earlier =
        new EndNote(null, "t", TaskState.DEAD, TerminalReason.MAX_RETRIES, T0, 4, null, "x");
    files.replace(layout.endNote("t"), SpoolJson.write(earlier));
    logged(dead);
    recover();
    assertTrue(Files.exists(layout.terminal(TaskState.DEAD, "t")));
    EndNote note = SpoolJson.read("n", Files.readAllBytes(layout.endNote("t")), EndNote.class);
    assertEquals(TerminalReason.MAX_RETRIES, note.reason());
  }

  @Test
  void aCancelCutBeforeTheRequestWasRemovedRemovesIt() throws Exception {
    TaskName.Terminal cancelled = new TaskName.Terminal(TaskState.CANCELLED, "t");
    place(cancelled, "t");
    files.publishIfAbsent(
        layout.cancelRequest("t"),
        SpoolJson.write(new ControlRequest.Cancel(null, "t", T0, "op", null)));
    ObjectNode d = Decision.newDetail();
    d.put("control", "control/cancel~t.json");
    logged(
        new Decision(
            Decision.CANCEL,
            new TaskName.Parked(TaskState.HELD, "t", 1),
            cancelled,
            TerminalReason.CANCELLED,
            null,
            d));
    recover();
    assertFalse(Files.exists(layout.cancelRequest("t")));
  }

  @Test
  void aDecisionMarkedAppliedIsNotReplayedAndRecoveryCompactsTheLog() throws Exception {
    TaskName sched = new TaskName.Scheduled(T0.toEpochMilli(), 500, "t", 1);
    TaskName pending = new TaskName.Pending(500, T0.toEpochMilli(), "t", 1);
    place(sched, "t");
    try (DecisionLog log = DecisionLog.open(layout, files, 1, CLOCK)) {
      assertEquals(
          Optional.of(Applied.MOVED),
          log.decide(new Decision(Decision.DUE, sched, pending, null, null, null)));
    }
    // An operator puts a task file under the old name again; the finished decision must not
    // touch it.
    place(sched, "t");
    assertEquals(0, recover());
    assertTrue(at(sched));
    try (WriteAheadLog wal = WriteAheadLog.open(layout.wal(), 3, files)) {
      assertEquals(List.<WalRecord>of(), wal.replayed());
    }
  }

  @Test
  void aDecisionThatCannotBeAppliedStaysOpenAndBlocksNothingElse() throws Exception {
    TaskName pending = new TaskName.Pending(500, T0.toEpochMilli(), "bad", 1);
    TaskName done = new TaskName.Terminal(TaskState.DONE, "bad");
    place(pending, "bad");
    TaskName sched = new TaskName.Scheduled(T0.toEpochMilli(), 500, "ok", 1);
    TaskName ready = new TaskName.Pending(500, T0.toEpochMilli(), "ok", 1);
    place(sched, "ok");
    try (DecisionLog log = DecisionLog.open(layout, files, 1, CLOCK)) {
      assertEquals(
          Optional.empty(),
          log.decide(new Decision(Decision.DUE, pending, done, null, null, null)));
      assertEquals(
          Optional.of(Applied.MOVED),
          log.decide(new Decision(Decision.DUE, sched, ready, null, null, null)));
      assertEquals(1, log.retryOpen(), "the forbidden move stays open");
      assertEquals("bad", log.openDecisions().get(0).taskId());
    }
    assertTrue(at(ready));
    assertTrue(at(pending));
    try (DecisionLog log = DecisionLog.open(layout, files, 2, CLOCK)) {
      assertEquals(1, log.recover());
      assertEquals(1, log.openDecisions().size(), "kept through compaction");
    }
  }

  @Test
  void theLogDoesNotGrowWithFinishedDecisions() throws Exception {
    try (DecisionLog log = DecisionLog.open(layout, files, 1, CLOCK)) {
      for (int i = 0; i < 150; i++) {
        String id = "t" + i;
        TaskName sched = new TaskName.Scheduled(T0.toEpochMilli(), 500, id, 1);
        place(sched, id);
        log.decide(
            new Decision(
                Decision.DUE,
                sched,
                new TaskName.Pending(500, T0.toEpochMilli(), id, 1),
                null,
                null,
                null));
      }
    }
    long lines = Files.readAllLines(layout.wal().resolve(WriteAheadLog.fileName(1))).size();
    assertTrue(lines <= DecisionLog.COMPACT_AFTER + 1, lines + " lines after 150 decisions");
    assertEquals(0, recover());
  }

  @Test
  void aLostDecisionFindsAHandedBackResultAndRequeuesAsTheWorkerWould() throws Exception {
    TaskName.Claimed claim = new TaskName.Claimed("t", 2, "w1", 3);
    place(claim, "t");
    AttemptResult back =
        new AttemptResult(
            null,
            "t",
            2,
            "w1",
            3L,
            null,
            null,
            T0.plusSeconds(5),
            null,
            new Outcome.HandedBack("drain"),
            null,
            null,
            null,
            null,
            null,
            null,
            null,
            null,
            null);
    files.publishIfAbsent(layout.result("t", 2), SpoolJson.write(back));
    ObjectNode d = Decision.newDetail();
    d.put("priority", 700);
    logged(
        new Decision(
            Decision.LOST,
            claim,
            Decision.dead(claim, TerminalReason.MAX_LOST, null).to(),
            TerminalReason.MAX_LOST,
            null,
            d));
    recover();
    assertTrue(at(new TaskName.Pending(700, T0.plusSeconds(5).toEpochMilli(), "t", 3)));
    assertFalse(Files.exists(layout.terminal(TaskState.DEAD, "t")), "the worker's result wins");
    assertEquals(Outcome.Kind.HANDED_BACK, result("t", 2).outcome().kind());
  }
}
