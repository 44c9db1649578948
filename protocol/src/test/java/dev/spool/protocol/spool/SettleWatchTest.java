package dev.spool.protocol.spool;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The settle rule as pure logic: looks and a ticker, no files. */
@Timeout(10)
class SettleWatchTest {
  private final AtomicLong nanos = new AtomicLong(-5_000_000_000L); // tickers may be negative
  private final SettleWatch watch = new SettleWatch(Duration.ofSeconds(2), nanos::get);

  private static SettleWatch.Look look(long size) {
    return new SettleWatch.Look(size, FileTime.fromMillis(1000), null, "inode-1");
  }

  @Test
  void settledOnlyAfterTwoEqualLooksTheSettleTimeApart() {
    assertFalse(watch.isSettled("a", look(10)));
    nanos.addAndGet(1_999_999_999L);
    assertFalse(watch.isSettled("a", look(10)));
    nanos.addAndGet(1);
    assertTrue(watch.isSettled("a", look(10)));
  }

  @Test
  void anyChangeStartsTheWaitOver() {
    watch.isSettled("a", look(10));
    nanos.addAndGet(Duration.ofSeconds(3).toNanos());
    assertFalse(watch.isSettled("a", look(11)));
    nanos.addAndGet(Duration.ofSeconds(1).toNanos());
    assertFalse(watch.isSettled("a", look(11)));
    SettleWatch.Look otherInode = new SettleWatch.Look(11, FileTime.fromMillis(1000), null, "i2");
    nanos.addAndGet(Duration.ofSeconds(2).toNanos());
    assertFalse(watch.isSettled("a", otherInode));
  }

  @Test
  void zeroSettleStillNeedsTwoLooks() {
    SettleWatch eager = new SettleWatch(Duration.ZERO, nanos::get);
    assertFalse(eager.isSettled("a", look(1)));
    assertTrue(eager.isSettled("a", look(1)));
  }

  @Test
  void memoryIsBounded() {
    for (int i = 0; i <= SettleWatch.MAX_WATCHED; i++) {
      watch.isSettled("f" + i, look(i));
    }
    assertTrue(watch.size() <= SettleWatch.MAX_WATCHED, "size " + watch.size());
  }

  @Test
  void retainOnlyForgetsOthers() {
    watch.isSettled("a", look(1));
    watch.isSettled("b", look(1));
    watch.retainOnly(List.of("b"));
    assertEquals(1, watch.size());
    watch.forget("b");
    assertEquals(0, watch.size());
  }

  @Test
  void negativeSettleIsRefused() {
    assertThrows(
        IllegalArgumentException.class, () -> new SettleWatch(Duration.ofSeconds(-1), nanos::get));
  }
}
