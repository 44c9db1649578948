package dev.spool.protocol.task;

import dev.spool.protocol.FieldException;
import java.time.Duration;

/**
 * Retry backoff: the n-th retry waits {@code min(cap, base * factor^(n-1))}, then multiplied by a
 * random factor in {@code [1 - jitter, 1 + jitter]}. Durations are seconds in JSON.
 */
public record Backoff(Duration base, Double factor, Duration cap, Double jitter) {
  public static final Backoff DEFAULT = new Backoff(null, null, null, null);

  public Backoff {
    base = base == null ? Duration.ofSeconds(1) : base;
    factor = factor == null ? 2.0 : factor;
    cap = cap == null ? Duration.ofMinutes(5) : cap;
    jitter = jitter == null ? 0.2 : jitter;
    if (base.isNegative()) {
      throw new FieldException(
          "base", "must not be negative (got " + base.toMillis() / 1000.0 + ")");
    }
    if (!(factor >= 1.0 && factor <= 100.0)) {
      throw new FieldException("factor", "must be between 1 and 100 (got " + factor + ")");
    }
    if (cap.compareTo(base) < 0) {
      throw new FieldException("cap", "must be at least base");
    }
    if (!(jitter >= 0.0 && jitter <= 1.0)) {
      throw new FieldException("jitter", "must be between 0 and 1 (got " + jitter + ")");
    }
  }

  /**
   * The delay before retry number {@code retry} (1 for the first retry), before jitter.
   *
   * @param retry 1-based retry number
   */
  public Duration delayBeforeJitter(int retry) {
    double millis = base.toMillis() * Math.pow(factor, Math.max(0, retry - 1));
    return millis >= cap.toMillis() ? cap : Duration.ofMillis((long) millis);
  }

  /** The delay with jitter applied; {@code unit} is a random number in [0, 1). */
  public Duration delay(int retry, double unit) {
    double spread = 1.0 + jitter * (2 * unit - 1);
    return Duration.ofMillis(Math.round(delayBeforeJitter(retry).toMillis() * spread));
  }
}
