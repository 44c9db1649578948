package dev.spool.worker.publish;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.spool.protocol.fs.AtomicFiles;
import dev.spool.protocol.fs.FileOps;
import dev.spool.protocol.fs.ForwardingFileOps;
import dev.spool.protocol.json.SpoolJson;
import dev.spool.protocol.result.Outcome;
import dev.spool.protocol.spool.TaskName;
import dev.spool.protocol.spool.TaskState;
import dev.spool.protocol.task.Task;
import dev.spool.worker.testing.TestSpool;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

@Timeout(20)
class DeferredDirSyncTest {
  private static final Instant T = Instant.parse("2026-03-01T10:00:00Z");

  @TempDir Path dir;

  /** Records directory fsyncs; can hold the first one until released, or fail some. */
  private static final class Recording extends ForwardingFileOps {
    final List<Path> synced = Collections.synchronizedList(new ArrayList<>());
    final CountDownLatch entered = new CountDownLatch(1);
    final CountDownLatch release = new CountDownLatch(1);
    final AtomicInteger failures = new AtomicInteger();
    volatile boolean holdFirst;

    Recording() {
      super(FileOps.real());
    }

    @Override
    public void fsyncDirectory(Path d) throws IOException {
      synced.add(d);
      if (failures.getAndUpdate(n -> Math.max(0, n - 1)) > 0) {
        throw new IOException("injected EIO");
      }
      if (holdFirst && entered.getCount() > 0) {
        entered.countDown();
        try {
          release.await(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
      }
    }

    long count(Path d) {
      synchronized (synced) {
        return synced.stream().filter(d::equals).count();
      }
    }
  }

  private AtomicFiles files(Recording ops) throws IOException {
    Path tmp = Files.createDirectories(dir.resolve("tmp"));
    return new AtomicFiles(ops, tmp, true);
  }

  @Test
  void laterThenFlushSyncsEveryDirectoryAskedFor() throws Exception {
    Recording ops = new Recording();
    Path a = dir.resolve("a");
    Path b = dir.resolve("b");
    DeferredDirSync sync = new DeferredDirSync(files(ops), "t");
    try {
      sync.later(a, b);
      assertTrue(sync.flush(Duration.ofSeconds(5)));
      assertEquals(1, ops.count(a));
      assertEquals(1, ops.count(b));
    } finally {
      sync.close();
    }
  }

  @Test
  void movesThatArriveDuringARoundShareTheNextOne() throws Exception {
    Recording ops = new Recording();
    ops.holdFirst = true;
    Path a = dir.resolve("a");
    DeferredDirSync sync = new DeferredDirSync(files(ops), "t");
    try {
      sync.later(a);
      assertTrue(ops.entered.await(5, TimeUnit.SECONDS));
      for (int i = 0; i < 10; i++) {
        sync.later(a);
      }
      ops.release.countDown();
      assertTrue(sync.flush(Duration.ofSeconds(5)));
      assertEquals(2, ops.count(a), "ten requests during the first round share one fsync");
    } finally {
      ops.release.countDown();
      sync.close();
    }
  }

  @Test
  void flushGivesUpAtItsBound() throws Exception {
    Recording ops = new Recording();
    ops.holdFirst = true;
    DeferredDirSync sync = new DeferredDirSync(files(ops), "t");
    try {
      sync.later(dir.resolve("a"));
      assertTrue(ops.entered.await(5, TimeUnit.SECONDS));
      long t0 = System.nanoTime();
      assertFalse(sync.flush(Duration.ofMillis(200)));
      assertTrue(System.nanoTime() - t0 < TimeUnit.SECONDS.toNanos(5));
    } finally {
      ops.release.countDown();
      sync.close();
    }
  }

  @Test
  void aFailingFsyncIsLoggedAndLaterRoundsStillRun() throws Exception {
    Recording ops = new Recording();
    ops.failures.set(1);
    Path a = dir.resolve("a");
    Path b = dir.resolve("b");
    DeferredDirSync sync = new DeferredDirSync(files(ops), "t");
    try {
      sync.later(a);
      assertTrue(sync.flush(Duration.ofSeconds(5)));
      sync.later(b);
      assertTrue(sync.flush(Duration.ofSeconds(5)));
      assertEquals(1, ops.count(b));
    } finally {
      sync.close();
    }
  }

  @Test
  void closeSyncsWhatIsLeft() throws Exception {
    Recording ops = new Recording();
    Path a = dir.resolve("a");
    DeferredDirSync sync = new DeferredDirSync(files(ops), "t");
    sync.later(a);
    sync.close();
    assertEquals(1, ops.count(a));
  }

  @Test
  void aDeferredFinishMovesAtOnceAndSyncsBothDirectoriesAfterwards() throws Exception {
    TestSpool spool = new TestSpool(dir.resolve("spool"));
    Recording ops = new Recording();
    AtomicFiles files = new AtomicFiles(ops, spool.layout.tmp(), true);
    AttemptFinisher finisher =
        new AttemptFinisher(
            spool.layout,
            files,
            new dev.spool.protocol.spool.TaskMoves(spool.layout, files),
            Clock.fixed(T, ZoneOffset.UTC));
    DeferredDirSync sync = new DeferredDirSync(files, "t");
    finisher.deferDirSyncs(sync);
    TaskName.Claimed claim = new TaskName.Claimed("t1", 2, "w1", 5);
    Files.write(
        spool.layout.path(claim), SpoolJson.write(Task.ofArgv("t1", T, List.of("/bin/true"))));
    try {
      assertEquals(
          AttemptFinisher.Finish.MOVED,
          finisher.finish(
              claim,
              AttemptFinisherTest.result(new Outcome.Succeeded()),
              new TaskName.Pending(500, 1000, "t1", 3)));
      assertEquals(List.of("t1.json"), spool.names(TaskState.DONE));
      assertTrue(sync.flush(Duration.ofSeconds(5)));
      assertEquals(1, ops.count(spool.layout.dir(TaskState.DONE)));
      assertEquals(1, ops.count(spool.layout.dir(TaskState.CLAIMED)));
      assertEquals(1, ops.count(spool.layout.results()), "the result, synced inline");
    } finally {
      sync.close();
    }
  }
}
