package dev.spool.coordinator.retry;

import dev.spool.protocol.result.AttemptResult;
import dev.spool.protocol.result.Outcome;
import dev.spool.protocol.spool.TerminalReason;
import dev.spool.protocol.task.Task;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;

/**
 * The retry rules, as pure functions of the task, its attempt history and the time:
 *
 * <ul>
 *   <li>a fatal launch failure (e.g. a missing binary), or an attempt its worker classified {@code
 *       fatal} (an exit code the task's type lists in {@code fatal_exit_codes}), goes straight to
 *       dead/ ({@code fatal})
 *   <li>after {@code f} failures, {@code f > max_retries} goes to dead/ ({@code max_retries}); so a
 *       task that always fails runs exactly {@code 1 + max_retries} times
 *   <li>otherwise retry number {@code f} waits {@code backoff.delay(f, unit)} (exponential, capped,
 *       jittered), or the result's {@code retry_after} if that is longer (a rate limit)
 *   <li>lost attempts count separately: {@code lost > max_lost} goes to dead/ ({@code max_lost})
 * </ul>
 *
 * Stateless and thread-safe.
 */
public final class RetryPolicy {
  private RetryPolicy() {}

  /**
   * Decides after attempt {@code history.last()} failed.
   *
   * @param unit a random number in [0, 1) for the jitter
   */
  public static RetryDecision afterFailure(
      Task task, AttemptHistory history, Instant now, double unit) {
    Optional<AttemptResult> last = history.last();
    if (last.isPresent() && last.get().outcome() instanceof Outcome.LaunchFailed) {
      Outcome.LaunchFailed lf = (Outcome.LaunchFailed) last.get().outcome();
      if (lf.fatal()) {
        return new RetryDecision.GiveUp(
            TerminalReason.FATAL, "attempt " + last.get().attempt() + ": " + lf.message());
      }
    }
    if (last.isPresent() && "fatal".equals(last.get().classification())) {
      return new RetryDecision.GiveUp(
          TerminalReason.FATAL,
          "attempt " + last.get().attempt() + " ended with an outcome its type marks fatal");
    }
    int failures = history.failures();
    if (failures > task.maxRetries()) {
      return new RetryDecision.GiveUp(
          TerminalReason.MAX_RETRIES,
          failures + " failed attempts, max_retries is " + task.maxRetries());
    }
    int retry = Math.max(1, failures);
    Duration delay = failures == 0 ? Duration.ZERO : task.backoff().delay(retry, unit);
    if (last.isPresent() && last.get().retryAfter() != null) {
      Duration asked = last.get().retryAfter();
      delay = asked.compareTo(delay) > 0 ? asked : delay;
    }
    return new RetryDecision.RetryAt(now.plus(delay), retry);
  }

  /** True when {@code lost} lost attempts exceed the task's {@code max_lost}. */
  public static boolean lostExhausted(Task task, int lost) {
    return lost > task.maxLost();
  }
}
