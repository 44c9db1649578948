package dev.spool.deploy.lanes;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.spool.protocol.json.SpoolJson;
import dev.spool.protocol.lanes.LaneMark;
import dev.spool.protocol.result.AttemptResult;
import dev.spool.protocol.spool.TaskState;
import dev.spool.protocol.testing.Await;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Rate limits with a real worker and a real coordinator: the task moves to the next lane of its
 * chain without spending a failure retry (every task has max_retries 0, so a spent retry would send
 * it to dead/), the cooling lane is skipped fleet-wide until its cooldown ends, and when every lane
 * is cooling the task waits and then completes.
 */
@Timeout(60)
class RateLimitRoutingTest {
  private static final Duration WAIT = Duration.ofSeconds(30);

  @TempDir Path dir;
  private LaneFleet fleet;

  @BeforeEach
  void setUp() throws Exception {
    fleet = new LaneFleet(dir);
  }

  @AfterEach
  void tearDown() throws Exception {
    fleet.close();
  }

  private String limitedLane(String name, int retryAfter) {
    return "  "
        + name
        + ":\n    argv: ["
        + fleet.cli("rate-limited-until.sh")
        + ", "
        + dir.resolve(name + ".window")
        + ", \""
        + retryAfter
        + "\", "
        + name
        + "]\n    concurrency: 3\n    accounts: [{name: a1}]\n    answer: {json: response}\n";
  }

  @Test
  void rateLimitedPreferredLaneFallsBackAndIsSkippedUntilItsCooldownEnds() throws Exception {
    fleet.routing("types:\n  reasoning: [fast, steady]\n");
    fleet.worker(
        "w1",
        "lanes:\n"
            + limitedLane("fast", 3)
            + "  steady:\n    argv: ["
            + fleet.cli("answer.sh")
            + ", steady, \"0.1\"]\n    concurrency: 4\n    answer: {json: response}\n"
            + "    usage: {input_tokens: {json: stats.input_tokens}, output_tokens: {json:"
            + " stats.output_tokens}}\n");
    fleet.coordinator();
    fleet.submit(LaneFleet.prompt("r1", "reasoning", "why is the sky blue"));
    Await.until(WAIT, "r1 done", () -> fleet.in(TaskState.DONE, "r1"));

    List<AttemptResult> r1 = fleet.results("r1");
    assertEquals(2, r1.size());
    assertEquals("rate_limited", r1.get(0).classification());
    assertEquals("fast", r1.get(0).lane());
    assertEquals("a1", r1.get(0).account());
    assertTrue(r1.get(0).retryAfter().toSeconds() >= 2, "retry-after parsed: " + r1.get(0));
    assertEquals("succeeded", r1.get(1).classification());
    assertEquals("steady", r1.get(1).lane());
    assertEquals(19L, r1.get(1).usage().inputTokens());
    assertEquals(
        "[steady] answer to: why is the sky blue",
        Files.readString(fleet.layout.answerLog("r1", 2)));

    LaneMark cooldown = cooldown("fast", "a1");
    assertTrue(Instant.now().isBefore(cooldown.until()), "fast still cools: " + cooldown);
    for (int i = 2; i <= 4; i++) {
      fleet.submit(LaneFleet.prompt("r" + i, "reasoning", "question " + i));
    }
    Await.until(
        WAIT,
        "r2..r4 done",
        () ->
            fleet.in(TaskState.DONE, "r2")
                && fleet.in(TaskState.DONE, "r3")
                && fleet.in(TaskState.DONE, "r4"));
    for (int i = 2; i <= 4; i++) {
      List<AttemptResult> rs = fleet.results("r" + i);
      assertEquals(1, rs.size(), "r" + i + " skipped the cooling lane: " + rs);
      assertEquals("steady", rs.get(0).lane());
      assertTrue(rs.get(0).startedAt().isBefore(cooldown.until()));
    }

    Await.until(WAIT, "the cooldown ends", () -> Instant.now().isAfter(cooldown.until()));
    fleet.submit(LaneFleet.prompt("r5", "reasoning", "after the cooldown"));
    Await.until(WAIT, "r5 done", () -> fleet.in(TaskState.DONE, "r5"));
    List<AttemptResult> r5 = fleet.results("r5");
    assertEquals("fast", r5.get(r5.size() - 1).lane(), "the preferred lane is used again");
    assertEquals(0, fleet.count(TaskState.DEAD));
  }

  @Test
  void whenEveryLaneIsLimitedTasksWaitAndCompleteAfterTheCooldowns() throws Exception {
    fleet.routing("types:\n  reasoning: [a, b]\n");
    fleet.worker("w1", "lanes:\n" + limitedLane("a", 2) + limitedLane("b", 3));
    fleet.coordinator();
    Instant start = Instant.now();
    for (int i = 1; i <= 3; i++) {
      fleet.submit(LaneFleet.prompt("x" + i, "reasoning", "question " + i));
    }
    Await.until(
        WAIT, "x1..x3 end", () -> fleet.count(TaskState.DONE) + fleet.count(TaskState.DEAD) == 3);
    assertEquals(0, fleet.count(TaskState.DEAD), "none goes to dead");
    boolean waitedScheduled = false;
    for (int i = 1; i <= 3; i++) {
      List<AttemptResult> rs = fleet.results("x" + i);
      AttemptResult last = rs.get(rs.size() - 1);
      assertEquals("succeeded", last.classification());
      assertTrue(rs.size() >= 2, "x" + i + " was limited first: " + rs);
      for (AttemptResult r : rs.subList(0, rs.size() - 1)) {
        assertEquals("rate_limited", r.classification());
      }
      assertFalse(last.startedAt().isBefore(start.plusSeconds(1)), "ran after a cooldown");
      waitedScheduled |= rs.stream().anyMatch(r -> "b".equals(r.lane()));
    }
    assertTrue(waitedScheduled, "the fallback lane was tried and limited too");
  }

  private LaneMark cooldown(String lane, String account) throws Exception {
    Path p = fleet.layout.laneAccountFile(lane, account, "cooldown");
    return SpoolJson.read(p.toString(), Files.readAllBytes(p), LaneMark.class);
  }
}
