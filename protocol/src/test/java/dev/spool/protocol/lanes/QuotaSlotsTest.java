package dev.spool.protocol.lanes;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.spool.protocol.fs.AtomicFiles;
import dev.spool.protocol.fs.FileOps;
import dev.spool.protocol.spool.SpoolLayout;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** Quota slots on a real file system: limits per window, racing takers, pruning, month windows. */
@Timeout(30)
class QuotaSlotsTest {
  private static final Instant T0 = Instant.parse("2026-11-21T10:00:00Z");

  @TempDir Path dir;

  private QuotaSlots slots() throws Exception {
    SpoolLayout layout = SpoolLayout.create(dir.resolve("spool"), T0);
    return new QuotaSlots(layout, new AtomicFiles(FileOps.real(), layout.tmp(), false));
  }

  @Test
  void eightThreadsRacingForFiveSlotsGetExactlyFive() throws Exception {
    QuotaSlots q = slots();
    QuotaRule rule = new QuotaRule("minute", 5, Duration.ofMinutes(1), null);
    ConcurrentLinkedQueue<Path> won = new ConcurrentLinkedQueue<>();
    CountDownLatch go = new CountDownLatch(1);
    List<Thread> threads = new ArrayList<>();
    for (int i = 0; i < 8; i++) {
      String holder = "t" + i;
      Thread t =
          new Thread(
              () -> {
                try {
                  go.await();
                  for (int k = 0; k < 3; k++) {
                    q.tryTake("lane", "acct", List.of(rule), T0, holder).ifPresent(won::addAll);
                  }
                } catch (Exception e) {
                  throw new IllegalStateException(e);
                }
              });
      t.start();
      threads.add(t);
    }
    go.countDown();
    for (Thread t : threads) {
      t.join();
    }
    assertEquals(5, won.size());
    assertEquals(5, q.used("lane", "acct", rule, T0));
    assertTrue(q.tryTake("lane", "acct", List.of(rule), T0.plusSeconds(60), "next").isPresent());
  }

  @Test
  void theWindowSlidesSoNoIntervalOfItsLengthHoldsMoreThanTheLimit() throws Exception {
    QuotaSlots q = slots();
    QuotaRule rule = new QuotaRule("minute", 5, Duration.ofMinutes(1), null);
    Instant late = T0.plusSeconds(50);
    for (int i = 0; i < 5; i++) {
      assertTrue(q.tryTake("lane", "a", List.of(rule), late, "t" + i).isPresent());
    }
    Instant nextMinute = T0.plusSeconds(61);
    assertFalse(
        q.tryTake("lane", "a", List.of(rule), nextMinute, "over").isPresent(),
        "a fixed window would allow 5 more here: 10 in 11 seconds");
    assertEquals(5, q.used("lane", "a", rule, nextMinute));
    assertEquals(late.plusSeconds(60), q.freeAt("lane", "a", rule, nextMinute));
    assertTrue(q.tryTake("lane", "a", List.of(rule), late.plusSeconds(60), "free").isPresent());
    assertEquals(1, q.used("lane", "a", rule, late.plusSeconds(60)));
    assertEquals(late.plusSeconds(60), q.freeAt("lane", "a", rule, late.plusSeconds(60)));
  }

  @Test
  void usedCountsOnlyTheRequestsInsideTheWindowEndingNow() throws Exception {
    QuotaSlots q = slots();
    QuotaRule rule = new QuotaRule("day", 300, Duration.ofSeconds(100), null);
    for (int i = 0; i < 250; i++) {
      assertTrue(q.tryTake("lane", "a", List.of(rule), T0.plusSeconds(i), "t" + i).isPresent());
    }
    assertEquals(100, q.used("lane", "a", rule, T0.plusSeconds(249)));
    assertEquals(50, q.used("lane", "a", rule, T0.plusSeconds(299)));
    assertEquals(0, q.used("lane", "a", rule, T0.plusSeconds(349)));
    QuotaSlots fresh = slots2();
    assertEquals(100, fresh.used("lane", "a", rule, T0.plusSeconds(249)), "another process");
  }

  private QuotaSlots slots2() throws Exception {
    SpoolLayout layout = SpoolLayout.open(dir.resolve("spool"));
    return new QuotaSlots(layout, new AtomicFiles(FileOps.real(), layout.tmp(), false));
  }

  @Test
  void aTakerNeverRecordsAnInstantBeforeTheRequestItFollows() throws Exception {
    QuotaSlots q = slots();
    QuotaRule rule = new QuotaRule("burst", 2, Duration.ofSeconds(10), null);
    assertTrue(q.tryTake("lane", "a", List.of(rule), T0.plusSeconds(5), "ahead").isPresent());
    Path second = q.tryTake("lane", "a", List.of(rule), T0, "behind").orElseThrow().get(0);
    assertTrue(Files.readString(second).contains(T0.plusSeconds(5).toString()));
    assertFalse(q.tryTake("lane", "a", List.of(rule), T0.plusSeconds(14), "x").isPresent());
  }

  @Test
  void oldRequestsArePrunedAndMonthWindowsStartOnTheResetDay() throws Exception {
    QuotaSlots q = slots();
    QuotaRule rule = new QuotaRule("burst", 1, Duration.ofSeconds(3), null);
    Optional<List<Path>> first = q.tryTake("lane", "a", List.of(rule), T0, "x");
    assertTrue(first.isPresent());
    assertFalse(q.tryTake("lane", "a", List.of(rule), T0.plusMillis(100), "y").isPresent());
    Path oldRequest = first.get().get(0);
    q.tryTake("lane", "a", List.of(rule), T0.plus(Duration.ofMinutes(11)), "z");
    assertFalse(Files.exists(oldRequest), "a request over 10 minutes old is removed");
    QuotaRule month = new QuotaRule("month", 300, null, 15);
    assertEquals("month-2026-11-15", month.windowId(Instant.parse("2026-11-21T00:00:00Z")));
    assertEquals("month-2026-10-15", month.windowId(Instant.parse("2026-11-14T23:59:59Z")));
    assertEquals(Instant.parse("2026-12-15T00:00:00Z"), month.windowEnd(T0));
  }
}
