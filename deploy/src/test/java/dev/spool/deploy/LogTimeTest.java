package dev.spool.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Instant;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(20)
class LogTimeTest {
  @Test
  void writesWhatTheDateFormatterWrites() {
    DateTimeFormatter f =
        DateTimeFormatter.ofPattern("HH:mm:ss.SSS").withZone(ZoneId.systemDefault());
    LogTime t = new LogTime();
    SplittableRandom r = new SplittableRandom(1);
    long base = Instant.parse("2026-11-21T23:59:58Z").toEpochMilli();
    for (int i = 0; i < 20_000; i++) {
      // Runs of lines within one second, then jumps (forwards and backwards) between seconds.
      long ms = i % 50 == 0 ? r.nextLong(0, 4_000_000_000_000L) : base + r.nextLong(-3000, 3000);
      if (i % 50 == 0) {
        base = ms;
      }
      assertEquals(f.format(Instant.ofEpochMilli(ms)), t.format(ms), "millis " + ms);
    }
  }
}
