package dev.spool.coordinator.retry;

import dev.spool.protocol.spool.TerminalReason;
import java.time.Instant;
import java.util.Objects;

/** What to do with a failed attempt. */
public sealed interface RetryDecision {

  /** Run again, not before {@code due}; {@code retry} is the 1-based retry number. */
  record RetryAt(Instant due, int retry) implements RetryDecision {
    public RetryAt {
      Objects.requireNonNull(due, "due");
      if (retry < 1) {
        throw new IllegalArgumentException("retry must be at least 1, got " + retry);
      }
    }
  }

  /** Stop: the task goes to dead/ with {@code reason}. */
  record GiveUp(TerminalReason reason, String message) implements RetryDecision {
    public GiveUp {
      Objects.requireNonNull(reason, "reason");
      Objects.requireNonNull(message, "message");
    }
  }
}
