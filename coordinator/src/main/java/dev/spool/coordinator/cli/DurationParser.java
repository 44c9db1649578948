package dev.spool.coordinator.cli;

import java.time.Duration;
import picocli.CommandLine;

/**
 * Reads {@code 30}, {@code 1.5}, {@code 30s}, {@code 250ms}, {@code 5m}, {@code 2h}, {@code 1d} or
 * ISO {@code PT5M} ({@link DurationText}).
 */
final class DurationParser implements CommandLine.ITypeConverter<Duration> {
  @Override
  public Duration convert(String value) {
    return parse(value);
  }

  static Duration parse(String value) {
    return DurationText.parse(value)
        .orElseThrow(
            () ->
                new CommandLine.TypeConversionException(
                    "'" + value + "' is not a duration (e.g. 30, 30s, 250ms, 5m, 2h, PT5M)"));
  }
}
