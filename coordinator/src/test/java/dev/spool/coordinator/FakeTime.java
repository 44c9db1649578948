package dev.spool.coordinator;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.concurrent.atomic.AtomicLong;

/** A wall clock and a monotonic ticker that only move when a test moves them. Thread-safe. */
public final class FakeTime extends Clock {
  private final AtomicLong millis;
  private final AtomicLong nanos = new AtomicLong(7_000_000_000L);

  public FakeTime(Instant start) {
    this.millis = new AtomicLong(start.toEpochMilli());
  }

  /** Moves both clocks. */
  public void advance(Duration d) {
    millis.addAndGet(d.toMillis());
    nanos.addAndGet(d.toNanos());
  }

  /** Moves only the wall clock (a host clock step: NTP, an operator). */
  public void stepWallClock(Duration d) {
    millis.addAndGet(d.toMillis());
  }

  public long nanoTime() {
    return nanos.get();
  }

  @Override
  public ZoneId getZone() {
    return ZoneOffset.UTC;
  }

  @Override
  public Clock withZone(ZoneId zone) {
    return this;
  }

  @Override
  public Instant instant() {
    return Instant.ofEpochMilli(millis.get());
  }
}
