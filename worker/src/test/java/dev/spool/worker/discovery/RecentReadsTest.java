package dev.spool.worker.discovery;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;

import dev.spool.protocol.task.Task;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(10)
class RecentReadsTest {
  private static final Task TASK = Task.ofArgv("t1", Instant.EPOCH, List.of("true"));

  @Test
  void keepsTheNewestEntriesWithinItsBounds() {
    RecentReads r = new RecentReads();
    for (int i = 0; i < RecentReads.MAX_ENTRIES + 10; i++) {
      r.put("n" + i, new byte[] {(byte) i}, TASK);
    }
    assertEquals(RecentReads.MAX_ENTRIES, r.size());
    assertNull(r.take("n0", new byte[] {0}), "the oldest went first");
    int last = RecentReads.MAX_ENTRIES + 9;
    assertSame(TASK, r.take("n" + last, new byte[] {(byte) last}));
    byte[] big = new byte[(int) (RecentReads.MAX_BYTES / 2) + 1];
    r.put("big1", big, TASK);
    r.put("big2", big.clone(), TASK);
    assertNull(r.take("big1", big), "over the byte bound the oldest is dropped");
    assertSame(TASK, r.take("big2", big));
  }

  @Test
  void differentBytesAreNotTheSameTask() {
    RecentReads r = new RecentReads();
    r.put("n", new byte[] {1, 2, 3}, TASK);
    assertNull(r.take("n", new byte[] {1, 2, 4}));
    assertNull(r.take("n", new byte[] {1, 2, 3}), "forgotten after the first take");
  }
}
