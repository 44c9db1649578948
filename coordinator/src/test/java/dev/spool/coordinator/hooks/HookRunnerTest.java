package dev.spool.coordinator.hooks;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.spool.protocol.json.SpoolJson;
import dev.spool.protocol.testing.Await;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

@Timeout(30)
class HookRunnerTest {
  private static final Instant T = Instant.parse("2026-11-21T10:00:00Z");

  @TempDir Path dir;

  private static HookConfig writeStdinTo(String on, Path file, Map<String, String> label) {
    return new HookConfig(on, List.of("sh", "-c", "cat > '" + file + "'"), null, label);
  }

  private static HookEvent dead(String task, Map<String, String> labels) {
    return new HookEvent(HookEvent.TASK_DEAD, T, task, null, "max_retries", "4 failed", labels);
  }

  @Test
  void aMatchingHookGetsTheEventJsonOnStdin() throws Exception {
    Path out = dir.resolve("out.json");
    try (HookRunner r = new HookRunner(List.of(writeStdinTo("task_dead", out, null)))) {
      r.fire(dead("t1", Map.of()));
      Await.until(Duration.ofSeconds(10), "hook output", () -> size(out) > 0);
    }
    HookEvent got = SpoolJson.read("out", Files.readAllBytes(out), HookEvent.class);
    assertEquals("t1", got.taskId());
    assertEquals("max_retries", got.reason());
  }

  @Test
  void hooksRunOnlyForTheirEventAndLabels() throws Exception {
    Path ml = dir.resolve("ml.json");
    Path marker = dir.resolve("marker.json");
    List<HookConfig> hooks =
        List.of(
            writeStdinTo("task_dead", ml, Map.of("team", "ml")),
            writeStdinTo("worker_dead", marker, null));
    try (HookRunner r = new HookRunner(hooks)) {
      r.fire(dead("t1", Map.of("team", "web")));
      r.fire(new HookEvent(HookEvent.WORKER_DEAD, T, null, "w1", null, null, null));
      // One hook runs at a time, in order: once the marker is written, an earlier run is over.
      Await.until(Duration.ofSeconds(10), "marker", () -> size(marker) > 0);
      assertFalse(Files.exists(ml), "the label filter did not match");
      r.fire(dead("t2", Map.of("team", "ml", "x", "y")));
      Await.until(Duration.ofSeconds(10), "ml hook", () -> size(ml) > 0);
    }
  }

  @Test
  void aHookThatOverrunsIsKilledAndTheNextStillRuns() throws Exception {
    Path marker = dir.resolve("marker.json");
    Path late = dir.resolve("late");
    List<HookConfig> hooks =
        List.of(
            new HookConfig(
                "task_dead",
                List.of("sh", "-c", "sleep 20; touch '" + late + "'"),
                Duration.ofMillis(300),
                null),
            writeStdinTo("task_dead", marker, null));
    long start = System.nanoTime();
    try (HookRunner r = new HookRunner(hooks)) {
      r.fire(dead("t1", Map.of()));
      Await.until(Duration.ofSeconds(15), "second hook", () -> size(marker) > 0);
    }
    assertTrue(System.nanoTime() - start < Duration.ofSeconds(15).toNanos());
    assertFalse(Files.exists(late), "the overrunning hook was killed");
  }

  @Test
  void theHooksFileIsReadWithDefaults() throws Exception {
    Path f = dir.resolve("hooks.json");
    Files.writeString(
        f,
        "{\"hooks\":[{\"on\":\"task_dead\",\"argv\":[\"page\",\"--team\",\"ml\"],\"timeout\":5,"
            + "\"label\":{\"team\":\"ml\"}},{\"on\":\"worker_dead\",\"argv\":[\"notify\"]}]}");
    HooksFile hooks = HooksFile.read(f);
    assertEquals(2, hooks.hooks().size());
    assertEquals(Duration.ofSeconds(5), hooks.hooks().get(0).timeout());
    assertEquals(HookConfig.DEFAULT_TIMEOUT, hooks.hooks().get(1).timeout());
    assertEquals(List.of(), HooksFile.read(dir.resolve("none.json")).hooks());
  }

  private static long size(Path p) {
    try {
      return Files.exists(p) ? Files.size(p) : 0;
    } catch (IOException e) {
      return 0;
    }
  }
}
