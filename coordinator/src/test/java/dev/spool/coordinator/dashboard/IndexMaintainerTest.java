package dev.spool.coordinator.dashboard;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.spool.protocol.result.AttemptResult;
import dev.spool.protocol.spool.TaskState;
import dev.spool.protocol.testing.Await;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The index without any watch event, as on NFS where other hosts' changes raise none: rescans alone
 * move tasks between states, count each new result once with its task's type, and leave history
 * uncounted.
 */
@Timeout(30)
class IndexMaintainerTest {
  @TempDir Path tmp;

  @Test
  void rescansAloneKeepTheIndexAndCountEachNewResultOnce() throws Exception {
    SeededSpool spool = new SeededSpool(tmp.resolve("spool"));
    spool.run("old", "build", Map.of(), 0, "history\n");
    spool.submit("later", "review", Map.of("team", "core"));
    TaskIndex index = new TaskIndex();
    List<String> counted = new CopyOnWriteArrayList<>();
    IndexMaintainer.AttemptSink sink =
        (TaskIndex.Info task, AttemptResult r) ->
            counted.add(task.id + "~" + r.attempt() + ":" + task.type);
    try (IndexMaintainer m = new IndexMaintainer(spool.layout, index, sink)) {
      m.start(Duration.ofHours(1), Duration.ofSeconds(30)); // no periodic rescan in this test
      assertEquals(1, index.count(TaskState.DONE));
      assertEquals(1, index.count(TaskState.PENDING));
      Await.until(Duration.ofSeconds(10), "both tasks read", () -> index.unread() == 0);
      assertEquals("core", index.get("later").orElseThrow().labels.get("team"));

      spool.finish(spool.claim(spool.submit("fresh", "build", Map.of()), "w9"), 0, "", "");
      m.rescanOnIndexThread();
      m.rescanOnIndexThread(); // a second look at the same state counts nothing again
      Await.until(Duration.ofSeconds(10), "the new result counted", () -> !counted.isEmpty());
      assertEquals(List.of("fresh~1:build"), counted, "history (old~1) is not counted");
      assertEquals(2, index.count(TaskState.DONE));
      assertEquals("w9", index.get("fresh").orElseThrow().worker);

      var pending = spool.layout.dir(TaskState.PENDING);
      try (var s = java.nio.file.Files.list(pending)) {
        var name =
            spool.layout.parse(
                TaskState.PENDING, s.findFirst().orElseThrow().getFileName().toString());
        spool.finish(
            spool.claim((dev.spool.protocol.spool.TaskName.Pending) name.orElseThrow(), "w9"),
            3,
            "",
            "boom\n");
      }
      m.rescanOnIndexThread();
      Await.until(Duration.ofSeconds(10), "the failure counted", () -> counted.size() == 2);
      assertEquals("later~1:review", counted.get(1));
      assertEquals(1, index.count(TaskState.FAILED));
      assertEquals(0, index.count(TaskState.PENDING));
      assertTrue(index.get("old").isPresent());
    }
  }
}
