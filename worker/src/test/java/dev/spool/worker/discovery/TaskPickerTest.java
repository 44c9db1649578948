package dev.spool.worker.discovery;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.spool.protocol.fs.AtomicFiles;
import dev.spool.protocol.fs.FileOps;
import dev.spool.protocol.spool.SpoolLayout;
import dev.spool.protocol.spool.TaskFiles;
import dev.spool.protocol.spool.TaskMoves;
import dev.spool.protocol.spool.TaskName;
import dev.spool.protocol.task.Task;
import dev.spool.worker.config.WorkerConfig;
import java.nio.file.Path;
import java.time.Instant;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.SplittableRandom;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** The picker's order on a real spool: strict between priorities, spread within one. */
@Timeout(20)
class TaskPickerTest {
  private static final Instant T = Instant.parse("2026-01-01T00:00:00Z");

  @TempDir Path root;
  private SpoolLayout layout;
  private TaskMoves moves;
  private final PendingIndex index = new PendingIndex();

  @BeforeEach
  void spool() throws Exception {
    layout = SpoolLayout.create(root, T);
    moves = new TaskMoves(layout, new AtomicFiles(FileOps.real(), layout.tmp(), false));
  }

  private String add(int priority, int age, String id) throws Exception {
    TaskName.Pending p = new TaskName.Pending(priority, T.toEpochMilli() + age, id, 1);
    moves.publish(p, Task.ofArgv(id, T, List.of("true")));
    index.offer(p.fileName());
    return p.fileName();
  }

  private TaskPicker picker(long seed) {
    TaskMatcher matcher =
        new TaskMatcher(WorkerConfig.builder(root).workerId("w1").allowArgv(true).build());
    return new TaskPicker(
        new TaskPicker.Sources(index, matcher, new TaskFiles(layout), layout),
        v -> true,
        new SplittableRandom(seed));
  }

  @Test
  void aHigherPriorityAlwaysGoesFirst() throws Exception {
    for (int i = 0; i < 8; i++) {
      add(500, i, "n" + i);
    }
    String urgent = add(900, 99, "urgent");
    for (long seed = 0; seed < 20; seed++) {
      assertEquals(urgent, picker(seed).pick(0).orElseThrow(), "seed " + seed);
    }
  }

  @Test
  void withinAPriorityThePickSpreadsOverTheFirstFewOnly() throws Exception {
    List<String> names = new java.util.ArrayList<>();
    for (int i = 0; i < 10; i++) {
      names.add(add(500, i, "n" + i));
    }
    add(100, 0, "later");
    Set<String> picked = new HashSet<>();
    for (long seed = 0; seed < 200; seed++) {
      picked.add(picker(seed).pick(0).orElseThrow());
    }
    assertEquals(Set.copyOf(names.subList(0, TaskPicker.SPREAD)), picked);
  }

  @Test
  void fewerEligibleThanTheSpreadAreStillPickedAndALowerPriorityWaits() throws Exception {
    String a = add(500, 0, "a");
    String b = add(500, 1, "b");
    add(100, 0, "low");
    Set<String> picked = new HashSet<>();
    for (long seed = 0; seed < 100; seed++) {
      picked.add(picker(seed).pick(0).orElseThrow());
    }
    assertEquals(Set.of(a, b), picked);
    assertTrue(picker(1).pick(600).isEmpty(), "nothing at or above the minimum priority");
  }

  @Test
  void aClaimedTaskIsDecodedAgainOnlyWhenItsBytesChanged() throws Exception {
    String name = add(500, 0, "same");
    String other = add(500, 1, "rewritten");
    TaskPicker picker = picker(1);
    Set<String> picked = new HashSet<>();
    for (int i = 0; i < 2; i++) {
      String n = picker.pick(0).orElseThrow();
      picked.add(n);
      index.remove(n);
    }
    assertEquals(Set.of(name, other), picked);
    byte[] same =
        java.nio.file.Files.readAllBytes(
            layout.dir(dev.spool.protocol.spool.TaskState.PENDING).resolve(name));
    Task decoded = picker.decoded(name, same);
    assertEquals("same", decoded.id());
    assertEquals(null, picker.decoded(name, same), "an entry serves one claim only");
    byte[] changed =
        dev.spool.protocol.json.SpoolJson.write(
            Task.ofArgv("rewritten", T, List.of("echo", "changed")));
    assertEquals(null, picker.decoded(other, changed), "rewritten in place: decode afresh");
  }
}
