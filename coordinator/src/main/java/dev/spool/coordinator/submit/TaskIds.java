package dev.spool.coordinator.submit;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.SplittableRandom;
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

  /**
   * Ids for one process: a fast generator seeded with 64 bits from the kernel's random source. Ids
   * need to be unique, not secret, and a {@link SecureRandom} costs tens of milliseconds of
   * provider set-up in a command that runs for a few hundred; reading {@code /dev/urandom} costs
   * one small read. Falls back to SecureRandom where that device is missing.
   */
  public static TaskIds forProcess(Clock clock) {
    return new TaskIds(clock, new SplittableRandom(kernelSeed()));
  }

  static long kernelSeed() {
    try (InputStream in = Files.newInputStream(Path.of("/dev/urandom"))) {
      byte[] b = in.readNBytes(8);
      if (b.length == 8) {
        long seed = 0;
        for (byte x : b) {
          seed = (seed << 8) | (x & 0xff);
        }
        return seed;
      }
    } catch (IOException | UnsupportedOperationException e) {
      // fall through to the portable source
    }
    return new SecureRandom().nextLong();
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
