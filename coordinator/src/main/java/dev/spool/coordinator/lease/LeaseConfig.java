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
}
