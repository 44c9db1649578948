package dev.spool.coordinator.lease;

import dev.spool.protocol.Require;
import java.time.Duration;
import java.util.Objects;

/**
 * Who a coordinator is and the lease timings.
 *
 * @param owner unique per coordinator process (e.g. host-pid-random)
 * @param timeout how long an unchanged lease means its holder is gone
 * @param renewEvery how often the holder rewrites the lease
 * @param pauseThreshold a gap between two own ticks longer than this restarts the watch
 */
public record LeaseConfig(
    String owner,
    String host,
    long pid,
    Duration timeout,
    Duration renewEvery,
    Duration pauseThreshold) {
  public LeaseConfig {
    Require.id(owner, "owner");
    Objects.requireNonNull(timeout, "timeout");
    Objects.requireNonNull(renewEvery, "renew_every");
    Objects.requireNonNull(pauseThreshold, "pause_threshold");
    if (renewEvery.compareTo(timeout) >= 0) {
      throw new IllegalArgumentException("renew_every must be shorter than the lease timeout");
    }
  }

  /**
   * How often the holder renews a lease of {@code timeout}: a fifth of it, at most 2 s (so a holder
   * that idles between passes is not woken more often than its idle pause, and a standby still sees
   * five renewals in each timeout).
   */
  public static Duration renewEvery(Duration timeout) {
    Duration fifth = timeout.dividedBy(5);
    Duration most = Duration.ofSeconds(2);
    return fifth.compareTo(most) < 0 ? fifth : most;
  }

  /**
   * The gap between two own ticks that counts as a pause of this coordinator: eight base intervals,
   * and at least twice the idle interval (the longest pause the loop takes on its own).
   */
  public static Duration pauseThreshold(Duration interval, Duration idleInterval) {
    Duration eight = interval.multipliedBy(8);
    Duration twiceIdle = idleInterval.multipliedBy(2);
    return eight.compareTo(twiceIdle) > 0 ? eight : twiceIdle;
  }
}
