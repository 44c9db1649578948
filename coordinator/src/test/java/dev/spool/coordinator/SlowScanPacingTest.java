package dev.spool.coordinator;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(value = 5, unit = TimeUnit.SECONDS)
class SlowScanPacingTest {
  @Test
  void smallSpoolsAreListedEveryTwoSeconds() {
    assertEquals(
        SpoolPass.SLOW_SCAN_EVERY.toNanos(),
        SpoolPass.slowScanPause(Duration.ofMillis(40).toNanos()));
  }

  @Test
  void aPassThatListsAMillionNamesIsSpacedToATenthOfTheCoordinatorsTime() {
    assertEquals(
        Duration.ofSeconds(30).toNanos(), SpoolPass.slowScanPause(Duration.ofSeconds(3).toNanos()));
  }

  @Test
  void aVerySlowFirstPassStillLetsTheNextComeWithinAMinute() {
    assertEquals(
        SpoolPass.MAX_SLOW_SCAN_PAUSE.toNanos(),
        SpoolPass.slowScanPause(Duration.ofSeconds(100).toNanos()));
  }
}
