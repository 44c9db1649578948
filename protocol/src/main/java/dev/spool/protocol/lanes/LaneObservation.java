package dev.spool.protocol.lanes;

import dev.spool.protocol.FieldException;
import java.time.Duration;
import java.time.Instant;
import java.util.Objects;
import java.util.Set;

/**
 * What one worker observed of one lane, {@code state/lane-workers/LANE/WORKER.json}: the moving
 * average of the lane's successful attempts on that worker and its circuit breaker. Each file has
 * one writer (its worker, after each attempt of the lane), replaced whole, so no update is lost;
 * readers combine the files of a lane into the fleet's view ({@link LaneStates#fleetLatency}).
 *
 * @param lane the lane
 * @param worker the worker that observed it
 * @param latency the worker's moving average of successful attempts (null before the first)
 * @param samples successful attempts folded into it
 * @param breaker {@code closed}, {@code open} or {@code half_open} when written
 * @param failuresInARow attempts in a row that counted as breaker failures
 * @param openUntil while open: when the worker lets a probe through (its wall clock)
 * @param at when it was written (the worker's wall clock)
 */
public record LaneObservation(
    String lane,
    String worker,
    Duration latency,
    Long samples,
    String breaker,
    Integer failuresInARow,
    Instant openUntil,
    Instant at) {
  /** Breaker states. */
  public static final Set<String> BREAKER_STATES = Set.of("closed", "open", "half_open");

  public LaneObservation {
    Objects.requireNonNull(lane, "lane");
    Objects.requireNonNull(worker, "worker");
    Objects.requireNonNull(at, "at");
    samples = samples == null ? 0L : samples;
    failuresInARow = failuresInARow == null ? 0 : failuresInARow;
    breaker = breaker == null ? "closed" : breaker;
    if (!BREAKER_STATES.contains(breaker)) {
      throw new FieldException(
          "breaker", "must be closed, open or half_open (got " + breaker + ")");
    }
    if (samples < 0 || failuresInARow < 0) {
      throw new FieldException("samples", "counts must not be negative");
    }
  }

  /** The breaker as seen at {@code now}: an open breaker past {@code open_until} is half open. */
  public String breakerAt(Instant now) {
    if ("open".equals(breaker) && openUntil != null && !now.isBefore(openUntil)) {
      return "half_open";
    }
    return breaker;
  }
}
