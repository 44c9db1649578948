package dev.spool.coordinator;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.spool.coordinator.hooks.HookConfig;
import dev.spool.coordinator.hooks.HookRunner;
import dev.spool.coordinator.stats.ThroughputRecord;
import dev.spool.protocol.fs.AtomicFiles;
import dev.spool.protocol.fs.FileOps;
import dev.spool.protocol.heartbeat.FinishedTask;
import dev.spool.protocol.heartbeat.Heartbeat;
import dev.spool.protocol.json.SpoolJson;
import dev.spool.protocol.spool.SpoolLayout;
import dev.spool.protocol.spool.TaskName;
import dev.spool.protocol.spool.TaskState;
import dev.spool.protocol.task.Task;
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
class FinishObserverTest {
  @TempDir Path dir;

  private static Heartbeat beat(long seq, long ok, long bad, List<FinishedTask> finished) {
    return new Heartbeat(
        null,
        "w1",
        1L,
        "h",
        1L,
        "v",
        Instant.EPOCH,
        seq,
        Instant.EPOCH,
        0,
        1,
        List.of(),
        List.of(),
        List.of(),
        false,
        false,
        null,
        null,
        null,
        List.of(),
        ok,
        bad,
        finished,
        null,
        null);
  }

  @Test
  void countsGrowthBetweenHeartbeatVersionsAndFiresTaskDoneHooksByLabel() throws Exception {
    SpoolLayout layout = SpoolLayout.create(dir.resolve("s"), Instant.now());
    AtomicFiles files = new AtomicFiles(FileOps.real(), layout.tmp(), false);
    Path out = dir.resolve("hook.out");
    HookRunner hooks =
        new HookRunner(
            List.of(
                new HookConfig(
                    "task_done",
                    List.of("sh", "-c", "cat >> " + out),
                    Duration.ofSeconds(5),
                    Map.of("team", "a"))));
    for (String[] t : new String[][] {{"mine", "a"}, {"theirs", "b"}}) {
      Task task =
          Task.builder(t[0])
              .createdAt(Instant.EPOCH)
              .argv(List.of("true"))
              .label("team", t[1])
              .build();
      Files.write(layout.path(new TaskName.Terminal(TaskState.DONE, t[0])), SpoolJson.write(task));
    }
    Clock clock = Clock.fixed(Instant.parse("2026-11-21T12:00:05Z"), ZoneOffset.UTC);
    AtomicLong ticker = new AtomicLong();
    FinishObserver o = new FinishObserver(layout, files, hooks, clock, ticker::get);

    o.observe(Map.of("w1", beat(1, 10, 2, List.of())));
    o.observe(Map.of("w1", beat(1, 10, 2, List.of())));
    List<FinishedTask> done =
        List.of(
            new FinishedTask("mine", 1, TaskState.DONE),
            new FinishedTask("theirs", 1, TaskState.DONE));
    o.observe(Map.of("w1", beat(2, 14, 3, done)));
    o.observe(Map.of("w1", beat(2, 14, 3, done)));
    o.maybeWrite();

    ThroughputRecord r =
        SpoolJson.read(
            "t",
            Files.readAllBytes(layout.state().resolve("throughput.json")),
            ThroughputRecord.class);
    assertEquals(1, r.buckets().size());
    assertEquals(Instant.parse("2026-11-21T12:00:00Z"), r.buckets().get(0).start());
    assertEquals(
        4L,
        r.buckets().get(0).succeeded(),
        "only growth after the first sighting counts, once per version");
    assertEquals(1L, r.buckets().get(0).failed());

    Await.until(
        Duration.ofSeconds(10),
        "the task_done hook ran",
        () -> Files.exists(out) && readQuietly(out).contains("\"mine\""));
    hooks.close();
    assertTrue(!readQuietly(out).contains("theirs"), "the label filter holds: " + readQuietly(out));
  }

  private static String readQuietly(Path p) {
    try {
      return Files.readString(p);
    } catch (java.io.IOException e) {
      return "";
    }
  }
}
