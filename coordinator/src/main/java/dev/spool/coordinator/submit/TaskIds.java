package dev.spool.coordinator.submit;

import java.time.Clock;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.random.RandomGenerator;

/**
 * Generated task ids: {@code t-YYYYMMDD-HHMMSS-xxxxxxxx}, sortable by creation second and unique by
 * 40 random bits (lower-case base-32, so safe in file names).
 */
public final class TaskIds {
  private static final DateTimeFormatter STAMP =
      DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss").withZone(ZoneOffset.UTC);
  private static final char[] ALPHABET = "0123456789abcdefghjkmnpqrstvwxyz".toCharArray();

  private final Clock clock;
  private final RandomGenerator random;

  public TaskIds(Clock clock, RandomGenerator random) {
    this.clock = clock;
    this.random = random;
  }

  public String next() {
    long bits = random.nextLong();
    char[] suffix = new char[8];
    for (int i = 0; i < suffix.length; i++) {
      suffix[i] = ALPHABET[(int) (bits & 31)];
      bits >>>= 5;
    }
    return "t-" + STAMP.format(clock.instant()) + "-" + new String(suffix);
  }
}
