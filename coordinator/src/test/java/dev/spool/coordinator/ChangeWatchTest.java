package dev.spool.coordinator;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.spool.protocol.spool.SpoolLayout;
import dev.spool.protocol.spool.TaskState;
import dev.spool.protocol.testing.Await;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** The watch that wakes an idle coordinator, on a real directory tree (inotify). */
@Timeout(30)
class ChangeWatchTest {
  @TempDir Path root;
  private SpoolLayout layout;
  private final AtomicInteger wakes = new AtomicInteger();
  private ChangeWatch watch;

  @BeforeEach
  void init() throws Exception {
    layout = SpoolLayout.create(root, Instant.parse("2026-11-21T10:00:00Z"));
  }

  @AfterEach
  void closeWatch() {
    if (watch != null) {
      watch.close();
    }
  }

  /** Starts and arms the watch on the spool; it counts its wakes in {@link #wakes}. */
  private void armed() {
    watch = new ChangeWatch(layout, wakes::incrementAndGet);
    watch.start();
    watch.arm();
  }

  @Test
  void aFileAppearingInAWatchedDirectoryWakesTheCoordinator() throws Exception {
    armed();
    Files.writeString(layout.dir(TaskState.FAILED).resolve("t~1.json"), "{}");
    Await.until(Duration.ofSeconds(10), "a wake for failed/", () -> wakes.get() > 0);
    int afterFailed = wakes.get();
    Files.writeString(layout.control().resolve("cancel~t.json"), "{}");
    Await.until(Duration.ofSeconds(10), "a wake for control/", () -> wakes.get() > afterFailed);
  }

  @Test
  void pendingAndHeartbeatsDoNotWakeIt() throws Exception {
    armed();
    Files.writeString(layout.dir(TaskState.PENDING).resolve("x.json"), "{}");
    Files.writeString(layout.heartbeats().resolve("w1.json"), "{}");
    // A marker in a watched directory, written last: once it woke the coordinator, the two
    // unwatched writes before it would have too, had they been watched.
    Files.writeString(layout.dir(TaskState.HELD).resolve("marker~1.json"), "{}");
    Await.until(Duration.ofSeconds(10), "the marker's wake", () -> wakes.get() > 0);
    assertEquals(1, wakes.get());
  }

  @Test
  void aDisarmedWatchDoesNotWakeIt() throws Exception {
    armed();
    watch.disarm();
    Files.writeString(layout.dir(TaskState.FAILED).resolve("t~1.json"), "{}");
    watch.arm();
    // Written after re-arming: its wake proves the watch works, and it is the only one.
    Files.writeString(layout.dir(TaskState.HELD).resolve("marker~1.json"), "{}");
    Await.until(Duration.ofSeconds(10), "the marker's wake", () -> wakes.get() > 0);
    assertEquals(1, wakes.get());
  }
}
