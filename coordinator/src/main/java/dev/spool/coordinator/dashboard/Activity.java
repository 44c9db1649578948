package dev.spool.coordinator.dashboard;

import dev.spool.protocol.result.AttemptResult;
import dev.spool.protocol.result.Outcome;
import java.util.ArrayList;
import java.util.List;
import java.util.function.LongSupplier;

/**
 * Finished attempts per minute over the last {@link #MINUTES} minutes, in a ring of buckets keyed
 * by minutes of this process's monotonic clock: succeeded attempts (throughput) and attempts that
 * count as failures. Fed with each new result; memory is fixed. Thread-safe.
 */
final class Activity {
  static final int MINUTES = 30;
  private static final long MINUTE_NANOS = 60_000_000_000L;

  /** One minute's counts; {@code minutesAgo} 0 is the current, partial minute. */
  record Minute(int minutesAgo, long succeeded, long failed) {}

  private final LongSupplier nanos;
  private final long origin;
  private final long[] minuteOf = new long[MINUTES];
  private final long[] succeeded = new long[MINUTES];
  private final long[] failed = new long[MINUTES];

  Activity(LongSupplier nanos) {
    this.nanos = nanos;
    this.origin = nanos.getAsLong();
    java.util.Arrays.fill(minuteOf, -1);
  }

  synchronized void record(AttemptResult r) {
    long m = minute();
    int slot = (int) (m % MINUTES);
    if (minuteOf[slot] != m) {
      minuteOf[slot] = m;
      succeeded[slot] = 0;
      failed[slot] = 0;
    }
    if (r.outcome() instanceof Outcome.Succeeded) {
      succeeded[slot]++;
    } else if (r.countsAsFailure()) {
      failed[slot]++;
    }
  }

  /** The last {@link #MINUTES} minutes, oldest first. */
  synchronized List<Minute> minutes() {
    long now = minute();
    List<Minute> out = new ArrayList<>();
    for (int ago = MINUTES - 1; ago >= 0; ago--) {
      long m = now - ago;
      int slot = (int) (Math.floorMod(m, (long) MINUTES));
      boolean live = m >= 0 && minuteOf[slot] == m;
      out.add(new Minute(ago, live ? succeeded[slot] : 0, live ? failed[slot] : 0));
    }
    return out;
  }

  private long minute() {
    return (nanos.getAsLong() - origin) / MINUTE_NANOS;
  }
}
