package dev.spool.worker;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(value = 5, unit = TimeUnit.SECONDS)
class RescanPacingTest {
  private static final long SECOND = Duration.ofSeconds(1).toNanos();

  @Test
  void aCheapListingKeepsTheConfiguredInterval() {
    assertEquals(SECOND, Dispatcher.rescanPause(SECOND, Duration.ofMillis(3).toNanos()));
  }

  @Test
  void anExpensiveListingIsSpacedSoItTakesAtMostATenthOfTheThread() {
    // A million names listed in 1.2 s: the next listing waits 12 s, not 1 s.
    assertEquals(12 * SECOND, Dispatcher.rescanPause(SECOND, Duration.ofMillis(1200).toNanos()));
  }

  @Test
  void evenAHugeListingIsRepeatedWithinAMinute() {
    assertEquals(
        Dispatcher.MAX_RESCAN_PAUSE,
        Dispatcher.rescanPause(SECOND, Duration.ofSeconds(30).toNanos()));
  }
}
