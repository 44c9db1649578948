package dev.spool.coordinator.retry;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.spool.protocol.result.AttemptResult;
import dev.spool.protocol.result.Outcome;
import dev.spool.protocol.spool.TerminalReason;
import dev.spool.protocol.task.Backoff;
import dev.spool.protocol.task.Task;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(10)
class RetryPolicyTest {
  private static final Instant NOW = Instant.parse("2026-11-21T10:00:00Z");

  private static Task task(int maxRetries, Backoff backoff) {
    return Task.builder("t")
        .createdAt(NOW)
        .argv(List.of("x"))
        .maxRetries(maxRetries)
        .backoff(backoff)
        .build();
  }

  private static AttemptResult result(int attempt, Outcome o, Duration retryAfter) {
    return new AttemptResult(
        null,
        "t",
        attempt,
        "w",
        1L,
        null,
        null,
        NOW,
        null,
        o,
        null,
        retryAfter,
        null,
        null,
        null,
        null,
        null,
        null,
        null);
  }

  private static AttemptHistory failures(int n) {
    List<AttemptResult> rs = new ArrayList<>();
    for (int i = 1; i <= n; i++) {
      rs.add(result(i, new Outcome.Failed(1, null), null));
    }
    return new AttemptHistory("t", rs, List.of());
  }

  @Test
  void theBackoffIsExponentialAndCapped() {
    Task t = task(20, new Backoff(Duration.ofSeconds(1), 2.0, Duration.ofSeconds(30), 0.0));
    List<Long> delays = new ArrayList<>();
    for (int n = 1; n <= 7; n++) {
      RetryDecision.RetryAt at =
          (RetryDecision.RetryAt) RetryPolicy.afterFailure(t, failures(n), NOW, 0.9);
      assertEquals(n, at.retry());
      delays.add(Duration.between(NOW, at.due()).toSeconds());
    }
    assertEquals(List.of(1L, 2L, 4L, 8L, 16L, 30L, 30L), delays);
  }

  @Test
  void jitterStaysWithinItsBand() {
    Task t = task(5, new Backoff(Duration.ofSeconds(10), 2.0, Duration.ofMinutes(5), 0.2));
    for (double unit : new double[] {0.0, 0.25, 0.5, 0.999}) {
      RetryDecision.RetryAt at =
          (RetryDecision.RetryAt) RetryPolicy.afterFailure(t, failures(1), NOW, unit);
      long ms = Duration.between(NOW, at.due()).toMillis();
      assertTrue(ms >= 8000 && ms <= 12000, "delay " + ms + " for unit " + unit);
    }
  }

  @Test
  void moreFailuresThanMaxRetriesGiveUp() {
    Task t = task(3, Backoff.DEFAULT);
    assertTrue(RetryPolicy.afterFailure(t, failures(3), NOW, 0.5) instanceof RetryDecision.RetryAt);
    RetryDecision.GiveUp up =
        (RetryDecision.GiveUp) RetryPolicy.afterFailure(t, failures(4), NOW, 0.5);
    assertEquals(TerminalReason.MAX_RETRIES, up.reason());
    assertTrue(up.message().contains("4 failed attempts"), up.message());
  }

  @Test
  void lostAndHandedBackAttemptsDoNotCountAsFailures() {
    Task t = task(1, Backoff.DEFAULT);
    AttemptHistory h =
        new AttemptHistory(
            "t",
            List.of(
                result(1, new Outcome.Lost("w died"), null),
                result(2, new Outcome.HandedBack("drain"), null),
                result(3, new Outcome.Failed(1, null), null)),
            List.of());
    assertEquals(1, h.failures());
    assertEquals(1, h.lost());
    assertTrue(RetryPolicy.afterFailure(t, h, NOW, 0.5) instanceof RetryDecision.RetryAt);
  }

  @Test
  void aFatalLaunchFailureGivesUpAtOnceAndANonFatalOneIsRetried() {
    Task t = task(3, Backoff.DEFAULT);
    AttemptHistory fatal =
        new AttemptHistory(
            "t", List.of(result(1, new Outcome.LaunchFailed("no binary", true), null)), List.of());
    assertEquals(
        TerminalReason.FATAL,
        ((RetryDecision.GiveUp) RetryPolicy.afterFailure(t, fatal, NOW, 0.5)).reason());
    AttemptHistory retryable =
        new AttemptHistory(
            "t", List.of(result(1, new Outcome.LaunchFailed("busy", false), null)), List.of());
    assertTrue(RetryPolicy.afterFailure(t, retryable, NOW, 0.5) instanceof RetryDecision.RetryAt);
  }

  @Test
  void aRetryAfterLongerThanTheBackoffWins() {
    Task t = task(3, Backoff.DEFAULT);
    AttemptHistory h =
        new AttemptHistory(
            "t",
            List.of(result(1, new Outcome.Failed(75, null), Duration.ofMinutes(10))),
            List.of());
    RetryDecision.RetryAt at = (RetryDecision.RetryAt) RetryPolicy.afterFailure(t, h, NOW, 0.5);
    assertEquals(NOW.plus(Duration.ofMinutes(10)), at.due());
  }

  @Test
  void lostAttemptsAreBoundedByMaxLost() {
    Task t = Task.builder("t").createdAt(NOW).argv(List.of("x")).maxLost(2).build();
    assertTrue(!RetryPolicy.lostExhausted(t, 2));
    assertTrue(RetryPolicy.lostExhausted(t, 3));
  }

  @Test
  void anAttemptClassifiedFatalGoesStraightToDead() {
    Task t = task(5, Backoff.DEFAULT);
    AttemptResult r = result(1, new Outcome.Failed(64, null), null);
    AttemptResult fatal =
        new AttemptResult(
            null,
            r.taskId(),
            r.attempt(),
            r.worker(),
            r.incarnation(),
            null,
            null,
            NOW,
            null,
            r.outcome(),
            "fatal",
            null,
            null,
            null,
            null,
            null,
            null,
            null,
            null);
    RetryDecision d =
        RetryPolicy.afterFailure(t, new AttemptHistory("t", List.of(fatal), List.of()), NOW, 0.5);
    assertTrue(d instanceof RetryDecision.GiveUp, d.toString());
    assertEquals(
        dev.spool.protocol.spool.TerminalReason.FATAL, ((RetryDecision.GiveUp) d).reason());
  }
}
