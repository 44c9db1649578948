package dev.spool.protocol.lanes;

import dev.spool.protocol.FieldException;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;

/**
 * A request quota of one account: at most {@code requests} attempts started either in any interval
 * of length {@code window} (a sliding window, e.g. 60 s for a per-minute quota; the length is
 * configurable so tests use a few seconds), or in each calendar month in UTC that starts on {@code
 * reset_day} (1 to 28). {@link QuotaSlots} enforces both. {@link #windowId}, {@link #windowStart}
 * and {@link #windowEnd} name the fixed window that holds an instant: the month for monthly rules
 * ({@code month-<yyyy-mm-dd of its start>}); for windowed rules the epoch-aligned window ({@code
 * <seconds>s-<index>}), which sliding quotas no longer use.
 */
public record QuotaRule(String name, Integer requests, Duration window, Integer resetDay) {
  public QuotaRule {
    if (name == null || !name.matches("[a-z0-9_]{1,32}")) {
      throw new FieldException(
          "name", "must be 1 to 32 characters of a-z 0-9 _ (got " + name + ")");
    }
    if (requests == null || requests < 1 || requests > 1_000_000) {
      throw new FieldException("requests", "must be 1 to 1000000 (got " + requests + ")");
    }
    if ((window == null) == (resetDay == null)) {
      throw new FieldException("window", "give either window (seconds) or reset_day (monthly)");
    }
    if (window != null && window.toMillis() < 1000) {
      throw new FieldException("window", "must be at least 1 second");
    }
    if (resetDay != null && (resetDay < 1 || resetDay > 28)) {
      throw new FieldException("reset_day", "must be 1 to 28");
    }
  }

  /** The name of the window that holds {@code now}. */
  public String windowId(Instant now) {
    if (window != null) {
      return window.toSeconds() + "s-" + now.toEpochMilli() / window.toMillis();
    }
    return "month-" + monthStart(now).toLocalDate();
  }

  /** When the window that holds {@code now} ends (the quota resets). */
  public Instant windowEnd(Instant now) {
    if (window != null) {
      long w = window.toMillis();
      return Instant.ofEpochMilli((now.toEpochMilli() / w + 1) * w);
    }
    return monthStart(now).plusMonths(1).toInstant();
  }

  /** When the window that holds {@code now} started. */
  public Instant windowStart(Instant now) {
    if (window != null) {
      long w = window.toMillis();
      return Instant.ofEpochMilli(now.toEpochMilli() / w * w);
    }
    return monthStart(now).toInstant();
  }

  private ZonedDateTime monthStart(Instant now) {
    LocalDate d = now.atZone(ZoneOffset.UTC).toLocalDate();
    LocalDate start = d.withDayOfMonth(resetDay);
    if (d.getDayOfMonth() < resetDay) {
      start = start.minusMonths(1);
    }
    return start.atStartOfDay(ZoneOffset.UTC);
  }
}
