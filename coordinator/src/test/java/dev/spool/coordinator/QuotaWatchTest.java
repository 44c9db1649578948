package dev.spool.coordinator;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.spool.coordinator.hooks.HookConfig;
import dev.spool.coordinator.hooks.HookRunner;
import dev.spool.protocol.fs.AtomicFiles;
import dev.spool.protocol.fs.FileOps;
import dev.spool.protocol.lanes.AccountEntry;
import dev.spool.protocol.lanes.LaneStates;
import dev.spool.protocol.lanes.QuotaRule;
import dev.spool.protocol.lanes.QuotaSlots;
import dev.spool.protocol.spool.SpoolLayout;
import dev.spool.protocol.testing.Await;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

@Timeout(30)
class QuotaWatchTest {
  @TempDir Path dir;

  @Test
  void firesOnceWhileAnAccountStaysAtEightyPercent() throws Exception {
    SpoolLayout layout = SpoolLayout.create(dir.resolve("s"), Instant.now());
    AtomicFiles files = new AtomicFiles(FileOps.real(), layout.tmp(), false);
    Instant now = Instant.parse("2026-11-21T12:00:05Z");
    Clock clock = Clock.fixed(now, ZoneOffset.UTC);
    QuotaRule rule = new QuotaRule("per_minute", 5, Duration.ofMinutes(1), null);
    new LaneStates(layout, files)
        .register(new AccountEntry("gemini", "acct-1", false, null, List.of(rule), "w1", now));
    Path out = dir.resolve("hook.out");
    HookRunner hooks =
        new HookRunner(
            List.of(
                new HookConfig(
                    "lane_quota_low",
                    List.of("sh", "-c", "cat >> " + out),
                    Duration.ofSeconds(5),
                    Map.of("lane", "gemini"))));
    AtomicLong ticker = new AtomicLong();
    QuotaWatch watch = new QuotaWatch(layout, files, hooks, clock, ticker::get);
    QuotaSlots slots = new QuotaSlots(layout, files);

    for (int i = 0; i < 3; i++) {
      assertTrue(slots.tryTake("gemini", "acct-1", List.of(rule), now, "t" + i).isPresent());
    }
    watch.check();
    assertTrue(slots.tryTake("gemini", "acct-1", List.of(rule), now, "t3").isPresent());
    ticker.addAndGet(QuotaWatch.EVERY.toNanos());
    watch.check();
    ticker.addAndGet(QuotaWatch.EVERY.toNanos());
    watch.check();
    Await.until(Duration.ofSeconds(10), "the hook ran", () -> read(out).contains("used 4 of 5"));
    hooks.close();
    assertEquals(
        1, read(out).split("lane_quota_low", -1).length - 1, "once while at 80 %: " + read(out));
  }

  private static String read(Path p) {
    try {
      return Files.exists(p) ? Files.readString(p) : "";
    } catch (java.io.IOException e) {
      return "";
    }
  }
}
