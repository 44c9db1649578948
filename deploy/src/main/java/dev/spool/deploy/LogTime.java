package dev.spool.deploy;

import ch.qos.logback.classic.pattern.ClassicConverter;
import ch.qos.logback.classic.spi.ILoggingEvent;
import java.time.Instant;
import java.time.LocalTime;
import java.time.ZoneId;

/**
 * The log line's time, {@code HH:mm:ss.SSS} in the JVM's zone, as logback's {@code
 * %d{HH:mm:ss.SSS}} writes it but without a formatter call per line: the part up to the second is
 * kept for the current second and only the milliseconds are appended. A worker logs a line for
 * every task, and the formatter was a visible share of a trivial task's cost. Thread-safe.
 */
public final class LogTime extends ClassicConverter {
  private record Second(long epochSecond, String prefix) {}

  private volatile Second cached = new Second(Long.MIN_VALUE, "");

  @Override
  public String convert(ILoggingEvent event) {
    return format(event.getTimeStamp());
  }

  String format(long epochMillis) {
    long second = Math.floorDiv(epochMillis, 1000);
    Second c = cached;
    if (c.epochSecond() != second) {
      LocalTime t = LocalTime.ofInstant(Instant.ofEpochSecond(second), ZoneId.systemDefault());
      StringBuilder b = new StringBuilder(9);
      two(b, t.getHour()).append(':');
      two(b, t.getMinute()).append(':');
      two(b, t.getSecond()).append('.');
      c = new Second(second, b.toString());
      cached = c;
    }
    int millis = Math.floorMod(epochMillis, 1000);
    StringBuilder out = new StringBuilder(12).append(c.prefix());
    if (millis < 100) {
      out.append('0');
    }
    if (millis < 10) {
      out.append('0');
    }
    return out.append(millis).toString();
  }

  private static StringBuilder two(StringBuilder b, int v) {
    return (v < 10 ? b.append('0') : b).append(v);
  }
}
