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
import java.util.concurrent.CompletableFuture;
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
    DeferredDirSync sync = new DeferredDirSync(files(ops), "t", Duration.ZERO);
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
    DeferredDirSync sync = new DeferredDirSync(files(ops), "t", Duration.ZERO);
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
    DeferredDirSync sync = new DeferredDirSync(files(ops), "t", Duration.ZERO);
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
    DeferredDirSync sync = new DeferredDirSync(files(ops), "t", Duration.ZERO);
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
    DeferredDirSync sync = new DeferredDirSync(files(ops), "t", Duration.ZERO);
    sync.later(a);
    sync.close();
    assertEquals(1, ops.count(a));
  }

  @Test
  void movesWithinTheLingerShareOneRound() throws Exception {
    Recording ops = new Recording();
    Path a = dir.resolve("a");
    Path b = dir.resolve("b");
    // A linger no test waits out: only the flush ends it.
    DeferredDirSync sync = new DeferredDirSync(files(ops), "t", Duration.ofMinutes(5));
    try {
      for (int i = 0; i < 10; i++) {
        sync.later(a, b);
      }
      assertTrue(sync.flush(Duration.ofSeconds(5)), "a flush does not wait out the linger");
      assertEquals(1, ops.count(a), "ten moves, one fsync");
      assertEquals(1, ops.count(b), "ten moves, one fsync");
    } finally {
      sync.close();
    }
  }

  @Test
  void aDirectoryAnotherThreadSyncsAfterTheMoveNeedsNoRoundOfItsOwn() throws Exception {
    Recording ops = new Recording();
    AtomicFiles files = files(ops);
    Path claimed = dir.resolve("claimed");
    Path done = dir.resolve("done");
    DeferredDirSync sync = new DeferredDirSync(files, "t", Duration.ofMinutes(5));
    try {
      sync.later(done, claimed);
      files.syncDir(claimed); // a slot's next claim, after the finishing move
      assertTrue(sync.flush(Duration.ofSeconds(5)));
      assertEquals(1, ops.count(claimed), "the claim's fsync covered the finishing move");
      assertEquals(1, ops.count(done));
    } finally {
      sync.close();
    }
  }

  @Test
  void anFsyncThatStartedBeforeTheMoveDoesNotCoverIt() throws Exception {
    Recording ops = new Recording();
    ops.holdFirst = true;
    AtomicFiles files = files(ops);
    Path claimed = dir.resolve("claimed");
    DeferredDirSync sync = new DeferredDirSync(files, "t", Duration.ofMinutes(5));
    CompletableFuture<Void> early =
        CompletableFuture.runAsync(
            () -> {
              try {
                files.syncDir(claimed);
              } catch (IOException e) {
                throw new java.io.UncheckedIOException(e);
              }
            });
    try {
      assertTrue(ops.entered.await(5, TimeUnit.SECONDS));
      sync.later(claimed); // the move happens while that fsync is in flight
      ops.release.countDown();
      early.get(5, TimeUnit.SECONDS);
      assertTrue(sync.flush(Duration.ofSeconds(5)));
      assertEquals(2, ops.count(claimed), "the deferred round ran its own fsync");
    } finally {
      ops.release.countDown();
      sync.close();
    }
  }

  @Test
  void closeDoesNotWaitOutTheLinger() throws Exception {
    Recording ops = new Recording();
    Path a = dir.resolve("a");
    DeferredDirSync sync = new DeferredDirSync(files(ops), "t", Duration.ofMinutes(5));
    sync.later(a);
    sync.close(); // within the class's 20 s time limit, so not after the five minutes
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
    DeferredDirSync sync = new DeferredDirSync(files, "t", Duration.ZERO);
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
