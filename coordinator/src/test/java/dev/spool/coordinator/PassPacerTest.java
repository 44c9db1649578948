package dev.spool.coordinator;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(value = 5, unit = TimeUnit.SECONDS)
class PassPacerTest {
  private static final long MS = 1_000_000L;
  private static final long NOW = 5_000 * MS;

  private final PassPacer pacer = new PassPacer(Duration.ofMillis(250), Duration.ofSeconds(2));

  @Test
  void eachIdlePassDoublesThePauseUpToTheIdleInterval() {
    long[] expected = {500, 1000, 2000, 2000, 2000};
    for (long ms : expected) {
      pacer.passed(false);
      assertEquals(ms * MS, pacer.pauseNanos(NOW, Long.MAX_VALUE));
    }
  }

  @Test
  void aPassThatSawAChangeSnapsBackToTheBaseInterval() {
    for (int i = 0; i < 5; i++) {
      pacer.passed(false);
    }
    pacer.passed(true);
    assertEquals(250 * MS, pacer.pauseNanos(NOW, Long.MAX_VALUE));
    pacer.passed(false);
    assertEquals(500 * MS, pacer.pauseNanos(NOW, Long.MAX_VALUE), "and backs off again");
  }

  @Test
  void aWatchEventSnapsBackToTheBaseInterval() {
    for (int i = 0; i < 5; i++) {
      pacer.passed(false);
    }
    pacer.changed();
    assertEquals(250 * MS, pacer.pauseNanos(NOW, Long.MAX_VALUE));
  }

  @Test
  void aPauseEndsAtTheNextDeadline() {
    for (int i = 0; i < 5; i++) {
      pacer.passed(false);
    }
    assertEquals(700 * MS, pacer.pauseNanos(NOW, NOW + 700 * MS));
  }

  @Test
  void aDeadlineCloserThanTheBaseIntervalOrPassedCostsOneBaseInterval() {
    for (int i = 0; i < 5; i++) {
      pacer.passed(false);
    }
    assertEquals(250 * MS, pacer.pauseNanos(NOW, NOW + 10 * MS));
    assertEquals(250 * MS, pacer.pauseNanos(NOW, NOW - 10_000 * MS));
  }

  @Test
  void aDeadlineLaterThanThePauseChangesNothing() {
    pacer.passed(false);
    assertEquals(500 * MS, pacer.pauseNanos(NOW, NOW + 60_000 * MS));
  }

  @Test
  void anIdleIntervalBelowTheBaseMeansNoBackOff() {
    PassPacer fixed = new PassPacer(Duration.ofMillis(250), Duration.ZERO);
    fixed.passed(false);
    fixed.passed(false);
    assertEquals(250 * MS, fixed.pauseNanos(NOW, Long.MAX_VALUE));
  }
}
