package dev.spool.coordinator.retry;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.spool.coordinator.decision.Decision;
import dev.spool.coordinator.decision.TaskReader;
import dev.spool.protocol.fs.AtomicFiles;
import dev.spool.protocol.fs.FileOps;
import dev.spool.protocol.json.SpoolJson;
import dev.spool.protocol.lanes.AccountEntry;
import dev.spool.protocol.lanes.LaneStates;
import dev.spool.protocol.result.AttemptResult;
import dev.spool.protocol.result.Outcome;
import dev.spool.protocol.spool.Quarantine;
import dev.spool.protocol.spool.SpoolLayout;
import dev.spool.protocol.spool.TaskMoves;
import dev.spool.protocol.spool.TaskName;
import dev.spool.protocol.spool.TaskState;
import dev.spool.protocol.spool.TerminalReason;
import dev.spool.protocol.task.Task;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** The coordinator's decisions for routing classes, from hand-made spool states. */
@Timeout(10)
class LaneRetryTest {
  private static final Instant NOW = Instant.parse("2026-11-21T10:00:00Z");

  @TempDir Path dir;
  private SpoolLayout layout;
  private AtomicFiles files;
  private FailedTasks failed;
  private LaneStates states;

  @BeforeEach
  void setUp() throws Exception {
    layout = SpoolLayout.create(dir.resolve("spool"), NOW);
    files = new AtomicFiles(FileOps.real(), layout.tmp(), false);
    Clock clock = Clock.fixed(NOW, ZoneOffset.UTC);
    failed =
        new FailedTasks(
            new TaskReader(layout, new Quarantine(layout, files, clock)),
            new LaneRetry(layout, files));
    states = new LaneStates(layout, files);
    Files.writeString(
        layout.routingFile(),
        "types:\n  reasoning: [fast, big]\nlanes:\n  fast: {context_tokens: 8000}\n"
            + "  big: {context_tokens: 1000000}\ncooldown: 30\n");
    for (String lane : List.of("fast", "big")) {
      states.register(new AccountEntry(lane, "a1", false, null, List.of(), "w1", NOW));
    }
  }

  private TaskName failedWith(String id, String lane, String c, Duration retryAfter)
      throws Exception {
    Task t = Task.builder(id).createdAt(NOW).type("reasoning").maxRetries(0).build();
    TaskName name = new TaskName.Parked(TaskState.FAILED, id, 1);
    new TaskMoves(layout, files).publish(new TaskName.Parked(TaskState.HELD, id, 1), t);
    Files.move(layout.path(new TaskName.Parked(TaskState.HELD, id, 1)), layout.path(name));
    AttemptResult r =
        new AttemptResult(
            null,
            id,
            1,
            "w1",
            1L,
            null,
            NOW.minusSeconds(1),
            NOW,
            Duration.ofSeconds(1),
            new Outcome.Failed(1, null),
            c,
            retryAfter,
            null,
            null,
            null,
            lane,
            "a1",
            null,
            "x");
    files.publishIfAbsent(layout.result(id, 1), SpoolJson.writePretty(r));
    return name;
  }

  @Test
  void aRateLimitCoolsTheAccountAndRequeuesAtOnceWhenAnotherLaneIsFree() throws Exception {
    TaskName f = failedWith("t1", "fast", "rate_limited", Duration.ofSeconds(20));
    Decision d = failed.decide(f, NOW, 0.5).orElseThrow();
    assertEquals(Decision.RETRY, d.op());
    assertEquals(TaskState.PENDING, d.to().state());
    assertEquals(2, d.to().attempt());
    assertEquals(NOW.plusSeconds(20), states.cooldown("fast", "a1").orElseThrow().until());
  }

  @Test
  void whenEveryLaneCoolsTheTaskWaitsInScheduledUntilTheEarliestEnd() throws Exception {
    states.coolDown(
        new dev.spool.protocol.lanes.LaneMark(
            "big", "a1", NOW.plusSeconds(50), "rate_limited", null, NOW, "test"));
    TaskName f = failedWith("t2", "fast", "quota_exhausted", null);
    Decision d = failed.decide(f, NOW, 0.5).orElseThrow();
    assertEquals(TaskState.SCHEDULED, d.to().state());
    assertEquals(NOW.plusSeconds(30), d.dueAt(), "fast's routing cooldown (30 s) ends first");
  }

  @Test
  void authFailureDisablesAndContextTooLargeMovesToALargerLaneOrDies() throws Exception {
    Decision auth =
        failed.decide(failedWith("t3", "fast", "auth_failed", null), NOW, 0.5).orElseThrow();
    assertTrue(states.disabled("fast", "a1").isPresent());
    assertEquals(TaskState.PENDING, auth.to().state());

    Decision bigger =
        failed.decide(failedWith("t4", "fast", "context_too_large", null), NOW, 0.5).orElseThrow();
    assertEquals(TaskState.PENDING, bigger.to().state());
    Decision none =
        failed.decide(failedWith("t5", "big", "context_too_large", null), NOW, 0.5).orElseThrow();
    assertEquals(Decision.DEAD, none.op());
    assertEquals(TerminalReason.FATAL, none.reason());
  }
}
