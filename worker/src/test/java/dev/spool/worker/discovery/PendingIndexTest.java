package dev.spool.worker.discovery;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.spool.protocol.spool.TaskName;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

@Timeout(30)
class PendingIndexTest {
  @TempDir Path pending;

  private static String name(int priority, long millis, String id) {
    return new TaskName.Pending(priority, millis, id, 1).fileName();
  }

  private static List<String> order(PendingIndex index) {
    List<String> out = new ArrayList<>();
    index.inOrder().forEachRemaining(e -> out.add(e.getKey()));
    return out;
  }

  @Test
  void ordersByPriorityThenAge() {
    PendingIndex index = new PendingIndex();
    index.offer(name(500, 2000, "b"));
    index.offer(name(900, 3000, "c"));
    index.offer(name(500, 1000, "a"));
    assertFalse(index.offer("mytask.json"));
    assertEquals(
        List.of(name(900, 3000, "c"), name(500, 1000, "a"), name(500, 2000, "b")), order(index));
  }

  @Test
  void rescanIsTheTruthButKeepsNamesAddedDuringIt() throws IOException {
    PendingIndex index = new PendingIndex();
    Files.createFile(pending.resolve(name(500, 1, "kept")));
    Files.createFile(pending.resolve("hand-dropped.json"));
    Files.createFile(pending.resolve(".partial.tmp"));
    index.offer(name(500, 2, "vanished"));
    PendingScanner scanner = new PendingScanner(pending, index);
    assertEquals(1, scanner.rescan());
    assertEquals(List.of(name(500, 1, "kept")), order(index));

    long scan = index.beginScan();
    index.offer(name(500, 3, "during")); // a watch event while the listing runs
    index.seen(name(500, 1, "kept"), scan);
    index.endScan(scan);
    assertEquals(List.of(name(500, 1, "kept"), name(500, 3, "during")), order(index));
  }

  @Test
  void holdsManyNamesWithoutReadingFiles() {
    PendingIndex index = new PendingIndex();
    for (int i = 0; i < 20_000; i++) {
      assertTrue(index.offer(name(i % 1000, 1_700_000_000_000L + i, "t" + i)));
    }
    assertEquals(20_000, index.size());
    assertEquals(name(999, 1_700_000_000_999L, "t999"), index.inOrder().next().getKey());
  }
}
