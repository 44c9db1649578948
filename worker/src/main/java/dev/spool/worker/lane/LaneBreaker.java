package dev.spool.worker.lane;

import java.util.HashMap;
import java.util.Map;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A circuit breaker per lane, on this worker: after {@code failures} attempts in a row end {@code
 * failed}, {@code timed_out} or {@code idle}, the lane is open (not chosen) for its cool-off; then
 * it lets one probe through. A probe that succeeds closes the breaker; one that fails opens it for
 * another cool-off. Rate limits and auth failures do not count: cooldowns and disabled accounts
 * handle them. Time is the worker's monotonic clock. Thread-safe.
 */
final class LaneBreaker {
  private static final Logger log = LoggerFactory.getLogger(LaneBreaker.class);

  private final LongSupplier nanos;
  private final Map<String, State> states = new HashMap<>();

  private static final class State {
    int failures;
    long openedAt;
    boolean open;
    boolean probing;
  }

  LaneBreaker(LongSupplier nanos) {
    this.nanos = nanos;
  }

  /** True when the lane may be chosen now (closed, or half-open with no probe running). */
  synchronized boolean allows(Lane lane) {
    State s = states.get(lane.name());
    if (s == null || !s.open) {
      return true;
    }
    return !s.probing && nanos.getAsLong() - s.openedAt >= lane.breaker().coolOff().toNanos();
  }

  /** An attempt starts on the lane; in the half-open state it is the probe. */
  synchronized void started(Lane lane) {
    State s = states.get(lane.name());
    if (s != null && s.open) {
      s.probing = true;
      log.info("lane_breaker_probe lane={}", lane.name());
    }
  }

  /** The breaker of a lane now: its state, failures in a row, and how long it stays open. */
  record Snapshot(String state, int failuresInARow, java.time.Duration openFor) {}

  synchronized Snapshot snapshot(Lane lane) {
    State s = states.get(lane.name());
    if (s == null) {
      return new Snapshot("closed", 0, null);
    }
    if (!s.open) {
      return new Snapshot("closed", s.failures, null);
    }
    long left = lane.breaker().coolOff().toNanos() - (nanos.getAsLong() - s.openedAt);
    return left > 0
        ? new Snapshot("open", s.failures, java.time.Duration.ofNanos(left))
        : new Snapshot("half_open", s.failures, null);
  }

  /** Records how an attempt on the lane ended; {@code failure} per the class comment. */
  synchronized void record(Lane lane, boolean failure) {
    State s = states.computeIfAbsent(lane.name(), k -> new State());
    if (!failure) {
      if (s.open) {
        log.info("lane_breaker_closed lane={}", lane.name());
      }
      states.remove(lane.name());
      return;
    }
    s.failures++;
    if (s.open || s.failures >= lane.breaker().failures()) {
      s.open = true;
      s.probing = false;
      s.openedAt = nanos.getAsLong();
      log.warn(
          "lane_breaker_open lane={} failures_in_a_row={} cool_off_s={} consequence=tasks use"
              + " other lanes of their chains; one probe after the cool-off",
          lane.name(),
          s.failures,
          lane.breaker().coolOff().toSeconds());
    }
  }
}
