package dev.spool.coordinator.cli;

import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.Optional;

/**
 * The command line's durations: {@code 30}, {@code 1.5}, {@code 30s}, {@code 250ms}, {@code 5m},
 * {@code 2h}, {@code 1d} or ISO {@code PT5M}. Free of picocli, so that {@link QuickSubmit} can read
 * them without loading it; {@link DurationParser} turns an empty result into picocli's error.
 */
final class DurationText {
  private DurationText() {}

  /** The duration {@code value} names, or empty when it names none. */
  static Optional<Duration> parse(String value) {
    String v = value.strip();
    try {
      if (v.startsWith("P") || v.startsWith("p")) {
        return Optional.of(Duration.parse(v));
      }
      if (v.endsWith("ms")) {
        return Optional.of(Duration.ofMillis(Long.parseLong(v.substring(0, v.length() - 2))));
      }
      char unit = v.charAt(v.length() - 1);
      long scale;
      switch (unit) {
        case 's':
          scale = 1000;
          break;
        case 'm':
          scale = 60_000;
          break;
        case 'h':
          scale = 3_600_000;
          break;
        case 'd':
          scale = 86_400_000;
          break;
        default:
          return Optional.of(Duration.ofMillis(Math.round(Double.parseDouble(v) * 1000)));
      }
      return Optional.of(
          Duration.ofMillis(
              Math.round(Double.parseDouble(v.substring(0, v.length() - 1)) * scale)));
    } catch (NumberFormatException | DateTimeParseException | StringIndexOutOfBoundsException e) {
      return Optional.empty();
    }
  }
}
