package dev.spool.protocol.json;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.math.BigDecimal;
import java.time.DateTimeException;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The hand-written instant and duration text must say exactly what the JDK's formatter and
 * BigDecimal say, for every input: compared over random values and the edge cases.
 */
@Timeout(20)
class HandWrittenTextTest {
  private static final long YEAR_10000 = 253_402_300_800L;

  private static Instant jdkParse(String text) {
    return OffsetDateTime.parse(text, DateTimeFormatter.ISO_OFFSET_DATE_TIME).toInstant();
  }

  private static void sameParse(String text) {
    Instant expected;
    try {
      expected = jdkParse(text);
    } catch (DateTimeException e) {
      assertThrows(DateTimeException.class, () -> InstantText.parse(text), text);
      return;
    }
    assertEquals(expected, InstantText.parse(text), text);
  }

  @Test
  void formatsEveryInstantAsInstantToString() {
    SplittableRandom r = new SplittableRandom(7);
    List<Instant> edges =
        List.of(
            Instant.EPOCH,
            Instant.ofEpochSecond(-1),
            Instant.ofEpochSecond(YEAR_10000 - 1, 999_999_999),
            Instant.ofEpochSecond(YEAR_10000),
            Instant.ofEpochSecond(1, 1),
            Instant.ofEpochSecond(1, 1000),
            Instant.ofEpochSecond(1, 1_000_000),
            Instant.ofEpochSecond(1, 100_000_000),
            Instant.MIN,
            Instant.MAX);
    for (Instant t : edges) {
      assertEquals(t.toString(), InstantText.format(t));
    }
    for (int i = 0; i < 200_000; i++) {
      long seconds = r.nextLong(-YEAR_10000, YEAR_10000 + 10_000_000);
      int nano =
          switch (r.nextInt(4)) {
            case 0 -> 0;
            case 1 -> r.nextInt(1000) * 1_000_000;
            case 2 -> r.nextInt(1_000_000) * 1000;
            default -> r.nextInt(1_000_000_000);
          };
      Instant t = Instant.ofEpochSecond(seconds, nano);
      assertEquals(t.toString(), InstantText.format(t));
    }
  }

  @Test
  void parsesWhatTheFormatterParsesAndRefusesWhatItRefuses() {
    SplittableRandom r = new SplittableRandom(11);
    for (int i = 0; i < 100_000; i++) {
      Instant t = Instant.ofEpochSecond(r.nextLong(0, YEAR_10000), r.nextInt(1_000_000_000));
      sameParse(t.toString());
      int offsetMinutes = r.nextInt(-18 * 60, 18 * 60 + 1);
      String off =
          String.format(
              "%s%02d:%02d",
              offsetMinutes < 0 ? "-" : "+",
              Math.abs(offsetMinutes) / 60,
              Math.abs(offsetMinutes) % 60);
      sameParse(t.toString().replace("Z", off));
    }
    for (String s :
        List.of(
            "2026-11-21T18:00:00Z",
            "2026-11-21T18:00:00.5Z",
            "2026-11-21T18:00:00.123456789Z",
            "2026-11-21T18:00:00.1234567891Z",
            "2026-11-21T18:00:00.Z",
            "2026-02-29T18:00:00Z",
            "2024-02-29T18:00:00Z",
            "2026-13-01T00:00:00Z",
            "2026-00-01T00:00:00Z",
            "2026-11-31T00:00:00Z",
            "2026-11-21T24:00:00Z",
            "2026-11-21T23:60:00Z",
            "2026-11-21T23:59:60Z",
            "2026-11-21t18:00:00z",
            "2026-11-21T18:00:00+18:00",
            "2026-11-21T18:00:00+18:01",
            "2026-11-21T18:00:00-19:00",
            "2026-11-21T18:00:00+05",
            "2026-11-21T18:00:00+05:30:15",
            "2026-11-21T18:00:00",
            "2026-11-21T18:00Z",
            "0000-01-01T00:00:00Z",
            "+12026-11-21T18:00:00Z",
            "2026-1a-21T18:00:00Z",
            "2026-11-21T18:00:00ZZ",
            "2026-11-21 18:00:00Z",
            "")) {
      sameParse(s);
    }
    assertThrows(DateTimeParseException.class, () -> InstantText.parse("yesterday"));
  }

  @Test
  void durationsAreWrittenAsBigDecimalWritesThem() {
    SplittableRandom r = new SplittableRandom(3);
    for (int i = 0; i < 200_000; i++) {
      long millis =
          switch (r.nextInt(3)) {
            case 0 -> r.nextLong(0, 100_000);
            case 1 -> r.nextLong(0, 1000) * 1000;
            default -> r.nextLong(-1_000_000, Long.MAX_VALUE / 1_000_000);
          };
      String expected =
          BigDecimal.valueOf(millis)
              .divide(BigDecimal.valueOf(1000))
              .stripTrailingZeros()
              .toPlainString();
      assertEquals(expected, DurationSeconds.text(Duration.ofMillis(millis)), "millis " + millis);
    }
  }
}
