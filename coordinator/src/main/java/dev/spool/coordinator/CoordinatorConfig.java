package dev.spool.coordinator;

import dev.spool.coordinator.hooks.HookConfig;
import dev.spool.coordinator.lease.LeaseConfig;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.DoubleSupplier;

/**
 * The coordinator's settings.
 *
 * @param interval pause between two passes while there is work (default 250 ms)
 * @param deadAfter a worker whose heartbeat seq stayed unchanged this long is dead (default 15 s)
 * @param lease who this coordinator is and the lease timings
 * @param timeoutGrace how long past a task's hard timeout a claim may last on a live worker before
 *     the coordinator requests a cancel (default 60 s)
 * @param hooks commands run on events (task dead or cancelled, worker dead); may be empty
 * @param jitter random numbers in [0, 1) for backoff jitter (tests pass a constant)
 * @param unroutableAfter how long a pending task may wait while live workers exist but none
 *     advertises a lane (or type) that can run it, before it goes to dead/ with reason {@code
 *     no_lane} (default 10 min; zero never)
 * @param idleInterval the longest pause between two passes while nothing changes: the pause doubles
 *     from {@code interval} with each pass that finds nothing to do, up to this, and snaps back on
 *     any change (default 2 s; see {@link PassPacer})
 */
public record CoordinatorConfig(
    Duration interval,
    Duration deadAfter,
    LeaseConfig lease,
    Duration timeoutGrace,
    List<HookConfig> hooks,
    DoubleSupplier jitter,
    Duration unroutableAfter,
    Duration idleInterval) {
  public static final Duration DEFAULT_INTERVAL = Duration.ofMillis(250);
  public static final Duration DEFAULT_IDLE_INTERVAL = Duration.ofSeconds(2);
  public static final Duration DEFAULT_DEAD_AFTER = Duration.ofSeconds(15);
  public static final Duration DEFAULT_LEASE_TIMEOUT = Duration.ofSeconds(10);
  public static final Duration DEFAULT_TIMEOUT_GRACE = Duration.ofSeconds(60);
  public static final Duration DEFAULT_UNROUTABLE_AFTER = Duration.ofMinutes(10);

  public CoordinatorConfig {
    Objects.requireNonNull(interval, "interval");
    Objects.requireNonNull(deadAfter, "dead_after");
    Objects.requireNonNull(lease, "lease");
    timeoutGrace = timeoutGrace == null ? DEFAULT_TIMEOUT_GRACE : timeoutGrace;
    hooks = hooks == null ? List.of() : List.copyOf(hooks);
    jitter = jitter == null ? () -> ThreadLocalRandom.current().nextDouble() : jitter;
    unroutableAfter = unroutableAfter == null ? DEFAULT_UNROUTABLE_AFTER : unroutableAfter;
    idleInterval = idleInterval == null ? DEFAULT_IDLE_INTERVAL : idleInterval;
    if (interval.isNegative() || interval.isZero()) {
      throw new IllegalArgumentException("interval must be positive: " + interval);
    }
    if (unroutableAfter.isNegative()) {
      throw new IllegalArgumentException(
          "unroutable_after must not be negative: " + unroutableAfter);
    }
    if (idleInterval.isNegative()) {
      throw new IllegalArgumentException("idle_interval must not be negative: " + idleInterval);
    }
  }

  /** The settings with the default {@code idle_interval}. */
  public CoordinatorConfig(
      Duration interval,
      Duration deadAfter,
      LeaseConfig lease,
      Duration timeoutGrace,
      List<HookConfig> hooks,
      DoubleSupplier jitter,
      Duration unroutableAfter) {
    this(interval, deadAfter, lease, timeoutGrace, hooks, jitter, unroutableAfter, null);
  }

  /** The settings with the default {@code unroutable_after}. */
  public CoordinatorConfig(
      Duration interval,
      Duration deadAfter,
      LeaseConfig lease,
      Duration timeoutGrace,
      List<HookConfig> hooks,
      DoubleSupplier jitter) {
    this(interval, deadAfter, lease, timeoutGrace, hooks, jitter, null, null);
  }

  /** These settings with another {@code unroutable_after}. */
  public CoordinatorConfig withUnroutableAfter(Duration after) {
    return new CoordinatorConfig(
        interval, deadAfter, lease, timeoutGrace, hooks, jitter, after, idleInterval);
  }

  /** These settings with another {@code idle_interval} ({@code interval} turns pacing off). */
  public CoordinatorConfig withIdleInterval(Duration idle) {
    return new CoordinatorConfig(
        interval, deadAfter, lease, timeoutGrace, hooks, jitter, unroutableAfter, idle);
  }

  /** The longest pause between two passes: the larger of the two intervals. */
  public Duration longestPause() {
    return idleInterval.compareTo(interval) > 0 ? idleInterval : interval;
  }

  /** Defaults for a coordinator named {@code owner} on this host and process. */
  public static CoordinatorConfig defaults(String owner, String host) {
    return new CoordinatorConfig(
        DEFAULT_INTERVAL,
        DEFAULT_DEAD_AFTER,
        new LeaseConfig(
            owner,
            host,
            ProcessHandle.current().pid(),
            DEFAULT_LEASE_TIMEOUT,
            LeaseConfig.renewEvery(DEFAULT_LEASE_TIMEOUT),
            LeaseConfig.pauseThreshold(DEFAULT_INTERVAL, DEFAULT_IDLE_INTERVAL)),
        DEFAULT_TIMEOUT_GRACE,
        List.of(),
        null);
  }

  /**
   * A gap between two own passes longer than this is a pause of this coordinator: twice the longest
   * pause the loop takes on its own (the idle interval), at least 2 s.
   */
  public Duration pauseThreshold() {
    Duration twice = longestPause().multipliedBy(2);
    Duration floor = Duration.ofSeconds(2);
    return twice.compareTo(floor) > 0 ? twice : floor;
  }
}
