package dev.spool.coordinator.submit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.HashSet;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(value = 10, unit = TimeUnit.SECONDS)
class TaskIdsTest {
  private static final Clock CLOCK =
      Clock.fixed(Instant.parse("2026-11-21T21:50:07Z"), ZoneOffset.UTC);

  @Test
  void idsCarryTheSecondAndEightSafeCharacters() {
    String id = TaskIds.forProcess(CLOCK).next();
    assertTrue(id.matches("t-20261121-215007-[0-9a-hjkmnp-tv-z]{8}"), id);
  }

  @Test
  void twoProcessesInTheSameSecondDoNotRepeatEachOther() {
    // Each "process" seeds from the kernel; 200 of them drawing 50 ids each in one second.
    Set<String> seen = new HashSet<>();
    for (int p = 0; p < 200; p++) {
      TaskIds ids = TaskIds.forProcess(CLOCK);
      for (int i = 0; i < 50; i++) {
        seen.add(ids.next());
      }
    }
    assertEquals(10_000, seen.size());
  }

  @Test
  void kernelSeedsDiffer() {
    Set<Long> seeds = new HashSet<>();
    for (int i = 0; i < 100; i++) {
      seeds.add(TaskIds.kernelSeed());
    }
    assertEquals(100, seeds.size());
  }
}
