package dev.spool.coordinator.cli;

import java.time.Duration;
import java.time.format.DateTimeParseException;
import picocli.CommandLine;

/**
 * Reads {@code 30}, {@code 1.5}, {@code 30s}, {@code 250ms}, {@code 5m}, {@code 2h}, {@code 1d} or
 * ISO {@code PT5M}.
 */
final class DurationParser implements CommandLine.ITypeConverter<Duration> {
  @Override
  public Duration convert(String value) {
    return parse(value);
  }

  static Duration parse(String value) {
    String v = value.strip();
    try {
      if (v.startsWith("P") || v.startsWith("p")) {
        return Duration.parse(v);
      }
      if (v.endsWith("ms")) {
        return Duration.ofMillis(Long.parseLong(v.substring(0, v.length() - 2)));
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
          return Duration.ofMillis(Math.round(Double.parseDouble(v) * 1000));
      }
      return Duration.ofMillis(
          Math.round(Double.parseDouble(v.substring(0, v.length() - 1)) * scale));
    } catch (NumberFormatException | DateTimeParseException | StringIndexOutOfBoundsException e) {
      throw new CommandLine.TypeConversionException(
          "'" + value + "' is not a duration (e.g. 30, 30s, 250ms, 5m, 2h, PT5M)");
    }
  }
}
