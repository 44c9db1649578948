package dev.spool.coordinator;

import java.time.Duration;

/**
 * How long the coordinator waits before its next pass. While passes find something to do (a
 * decision, a listing that differs from the previous pass, a watch event) the pause is the base
 * {@code interval}; each pass that finds nothing doubles it, up to {@code idleInterval}. Any change
 * snaps it back to the base at once.
 *
 * <p>A pause never runs past a known deadline (a scheduled task's due time, the moment a silent
 * worker reaches {@code dead_after}, the next lease renewal): the pass that must act then runs
 * then, not up to {@code idleInterval} later. A pause is never shorter than the base interval, so a
 * deadline already passed costs no more than a busy spool does.
 *
 * <p>Pure logic on nanosecond values of the caller's monotonic ticker. Not thread-safe: the
 * coordinator calls it under its lock.
 */
final class PassPacer {
  private final long baseNanos;
  private final long idleNanos;
  private long currentNanos;

  /**
   * @param interval the pause while the spool is busy
   * @param idleInterval the longest pause while nothing changes (at least {@code interval})
   */
  PassPacer(Duration interval, Duration idleInterval) {
    if (interval.isNegative() || interval.isZero()) {
      throw new IllegalArgumentException("interval must be positive: " + interval);
    }
    this.baseNanos = interval.toNanos();
    this.idleNanos = Math.max(baseNanos, idleInterval.toNanos());
    this.currentNanos = baseNanos;
  }

  /** A pass ended; {@code changed} if it saw or did anything. */
  void passed(boolean changed) {
    currentNanos = changed ? baseNanos : Math.min(idleNanos, currentNanos * 2);
  }

  /** Something changed outside a pass (a watch event): the next pause is the base interval. */
  void changed() {
    currentNanos = baseNanos;
  }

  /**
   * The pause before the next pass.
   *
   * @param nowNanos the ticker now
   * @param deadlineNanos the earliest known deadline on the same ticker ({@link Long#MAX_VALUE} for
   *     none)
   */
  long pauseNanos(long nowNanos, long deadlineNanos) {
    long pause = currentNanos;
    if (deadlineNanos != Long.MAX_VALUE) {
      long until = deadlineNanos - nowNanos;
      pause = Math.min(pause, Math.max(baseNanos, until));
    }
    return pause;
  }

  /** The current pause without deadlines (for logs and tests). */
  Duration current() {
    return Duration.ofNanos(currentNanos);
  }
}
