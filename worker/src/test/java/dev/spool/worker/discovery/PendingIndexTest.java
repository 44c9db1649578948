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
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;
import org.junit.jupiter.api.io.TempDir;

@Timeout(120)
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
    PendingScanner scanner = new PendingScanner(pending, index, null);
    assertEquals(1, scanner.rescan());
    assertEquals(List.of(name(500, 1, "kept")), order(index));

    long scan = index.beginScan();
    index.offer(name(500, 3, "during")); // a watch event while the listing runs
    index.seen(name(500, 1, "kept"), scan);
    index.endScan(scan);
    assertEquals(List.of(name(500, 1, "kept"), name(500, 3, "during")), order(index));
  }

  @Test
  @EnabledIfSystemProperty(named = "spool.soak", matches = "true")
  void aMillionNamesFitInUnder250MiB() {
    Runtime rt = Runtime.getRuntime();
    System.gc();
    long before = rt.totalMemory() - rt.freeMemory();
    PendingIndex index = new PendingIndex();
    for (int i = 0; i < 1_000_000; i++) {
      index.offer(name(i % 1000, 1_700_000_000_000L + i, "task-" + i));
    }
    System.gc();
    long used = rt.totalMemory() - rt.freeMemory() - before;
    System.out.println(
        "pending_index_heap entries=1000000 bytes=" + used + " per_entry=" + used / 1_000_000);
    assertEquals(1_000_000, index.size());
    assertTrue(used < 250L * 1024 * 1024, "used " + used);
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
