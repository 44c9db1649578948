package dev.spool.protocol.fs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Group commits of directory fsyncs, against file operations whose fsync blocks until the test lets
 * it finish (or fail), so rounds can be held open while other callers arrive.
 */
@Timeout(20)
class DirSyncGroupsTest {
  private static final Path DIR = Path.of("/spool/claimed");
  private static final Path OTHER = Path.of("/spool/pending");

  private final HeldFsyncs ops = new HeldFsyncs();
  private final DirSyncGroups groups = new DirSyncGroups(ops);
  private final ExecutorService pool = Executors.newCachedThreadPool();

  @AfterEach
  void stop() {
    ops.releaseAll();
    pool.shutdownNow();
  }

  @Test
  void aLoneCallerFsyncsOnce() throws Exception {
    CompletableFuture<Void> call = sync(DIR);
    ops.awaitStarted(1);
    assertFalse(call.isDone(), "returned before its fsync finished");
    ops.finish(null);
    call.get(5, TimeUnit.SECONDS);
    assertEquals(1, ops.started.get());
  }

  @Test
  void callersArrivingDuringARoundShareTheNextOneAndNotTheOneInFlight() throws Exception {
    CompletableFuture<Void> first = sync(DIR);
    ops.awaitStarted(1);
    CompletableFuture<Void> second = sync(DIR);
    CompletableFuture<Void> third = sync(DIR);
    await(() -> waiting(DIR) == 2);

    ops.finish(null); // the round in flight began before they arrived: it covers the first only
    first.get(5, TimeUnit.SECONDS);
    ops.awaitStarted(2);
    assertFalse(second.isDone(), "covered by an fsync that started before its call");
    assertFalse(third.isDone(), "covered by an fsync that started before its call");

    ops.finish(null);
    second.get(5, TimeUnit.SECONDS);
    third.get(5, TimeUnit.SECONDS);
    assertEquals(2, ops.started.get(), "three callers, two rounds");
  }

  @Test
  void directoriesDoNotShareRounds() throws Exception {
    CompletableFuture<Void> a = sync(DIR);
    CompletableFuture<Void> b = sync(OTHER);
    ops.awaitStarted(2);
    ops.finish(null);
    ops.finish(null);
    a.get(5, TimeUnit.SECONDS);
    b.get(5, TimeUnit.SECONDS);
    assertEquals(List.of(DIR, OTHER), ops.sortedDirs());
  }

  @Test
  void aFailedRoundFailsItsCallerAndTheWaitersRunTheirOwn() throws Exception {
    CompletableFuture<Void> first = sync(DIR);
    ops.awaitStarted(1);
    CompletableFuture<Void> second = sync(DIR);
    await(() -> waiting(DIR) == 1);

    ops.finish(new IOException("EIO"));
    Exception e = assertThrows(Exception.class, () -> first.get(5, TimeUnit.SECONDS));
    assertEquals("EIO", e.getCause().getCause().getMessage(), e.toString());
    ops.awaitStarted(2); // the waiter was not covered by the failure: it syncs itself
    assertFalse(second.isDone());
    ops.finish(null);
    second.get(5, TimeUnit.SECONDS);
  }

  @Test
  void aWaiterInterruptedGivesUpWithAnIoErrorAndKeepsTheInterrupt() throws Exception {
    CompletableFuture<Void> first = sync(DIR);
    ops.awaitStarted(1);
    BlockingQueue<Object> seen = new ArrayBlockingQueue<>(2);
    Thread waiter =
        new Thread(
            () -> {
              try {
                groups.sync(DIR);
                seen.add("returned");
              } catch (IOException e) {
                seen.add(e);
                seen.add(Thread.currentThread().isInterrupted());
              }
            });
    waiter.start();
    await(() -> waiting(DIR) == 1);
    waiter.interrupt();
    assertTrue(seen.poll(5, TimeUnit.SECONDS) instanceof java.io.InterruptedIOException);
    assertEquals(true, seen.poll(5, TimeUnit.SECONDS));
    ops.finish(null);
    first.get(5, TimeUnit.SECONDS);
  }

  @Test
  void manyThreadsEachReturnOnlyAfterARoundThatStartedAfterThem() throws Exception {
    // Real threads racing, every fsync released at once: each call must see a round begin after
    // it arrived and end before it returned.
    ops.autoFinish = true;
    List<CompletableFuture<Void>> calls = new ArrayList<>();
    for (int t = 0; t < 8; t++) {
      calls.add(
          CompletableFuture.runAsync(
              () -> {
                for (int i = 0; i < 200; i++) {
                  long before = ops.started.get();
                  try {
                    groups.sync(DIR);
                  } catch (IOException e) {
                    throw new java.io.UncheckedIOException(e);
                  }
                  if (ops.finishedAfterStart(before) == 0) {
                    throw new AssertionError("returned with no round started after the call");
                  }
                }
              },
              pool));
    }
    for (CompletableFuture<Void> c : calls) {
      c.get(15, TimeUnit.SECONDS);
    }
    assertTrue(ops.started.get() <= 1600, "never more rounds than calls: " + ops.started.get());
  }

  @Test
  void aNotedChangeIsCoveredByAnotherCallersRoundThatStartsAfterIt() throws Exception {
    DirChange noted = groups.enter(DIR);
    assertFalse(noted.synced());
    CompletableFuture<Void> other = sync(DIR); // e.g. a slot's claim
    ops.awaitStarted(1);
    ops.finish(null);
    other.get(5, TimeUnit.SECONDS);
    assertTrue(noted.synced());
    groups.sync(noted); // nothing left to do: no round of its own
    assertEquals(1, ops.started.get());
  }

  @Test
  void aChangeNotedWhileARoundIsInFlightWaitsForTheNextOne() throws Exception {
    CompletableFuture<Void> first = sync(DIR);
    ops.awaitStarted(1);
    DirChange noted = groups.enter(DIR); // the fsync in flight may have missed this change
    ops.finish(null);
    first.get(5, TimeUnit.SECONDS);
    assertFalse(noted.synced(), "covered by an fsync that started before the change");

    CompletableFuture<Void> own = sync(noted);
    ops.awaitStarted(2);
    assertFalse(own.isDone());
    ops.finish(null);
    own.get(5, TimeUnit.SECONDS);
    assertTrue(noted.synced());
  }

  @Test
  void idleDirectoriesAreForgottenPastABound() throws Exception {
    ops.autoFinish = true;
    for (int i = 0; i < 10 * DirSyncGroups.MAX_IDLE_GROUPS; i++) {
      groups.sync(Path.of("/spool/state/d" + i));
    }
    assertTrue(
        groups.groups() <= DirSyncGroups.MAX_IDLE_GROUPS + 1,
        "directories remembered: " + groups.groups());
    assertEquals(10 * DirSyncGroups.MAX_IDLE_GROUPS, ops.started.get(), "every call synced");
  }

  private CompletableFuture<Void> sync(Path dir) {
    return async(() -> groups.sync(dir));
  }

  private CompletableFuture<Void> sync(DirChange change) {
    return async(() -> groups.sync(change));
  }

  private interface IoCall {
    void run() throws IOException;
  }

  /** The call on the pool's thread, entering the directory's group there, as a slot would. */
  private CompletableFuture<Void> async(IoCall call) {
    return CompletableFuture.runAsync(
        () -> {
          try {
            call.run();
          } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
          }
        },
        pool);
  }

  private long waiting(Path dir) {
    return groups.waiting(dir);
  }

  private static void await(BooleanSupplier condition) {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("condition not reached in 5 s");
      }
      LockSupport.parkNanos(200_000); // a bounded poll of the condition, not a guess at timing
    }
  }

  /** File operations whose directory fsyncs block until finished by the test. */
  private static final class HeldFsyncs extends ForwardingFileOps {
    final AtomicInteger started = new AtomicInteger();
    private final AtomicInteger finished = new AtomicInteger();
    private final List<Path> dirs = new ArrayList<>();
    private final BlockingQueue<Object> outcomes = new ArrayBlockingQueue<>(64);
    private final List<long[]> rounds = new ArrayList<>(); // {start number, finished}
    volatile boolean autoFinish;

    HeldFsyncs() {
      super(FileOps.real());
    }

    @Override
    public void fsyncDirectory(Path dir) throws IOException {
      int n = started.incrementAndGet();
      synchronized (dirs) {
        dirs.add(dir);
      }
      if (!autoFinish) {
        Object outcome;
        try {
          outcome = outcomes.poll(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          throw new java.io.InterruptedIOException();
        }
        if (outcome instanceof IOException) {
          throw (IOException) outcome;
        }
      }
      synchronized (rounds) {
        rounds.add(new long[] {n, finished.incrementAndGet()});
      }
    }

    /** Rounds that finished and had started after {@code before} rounds had started. */
    long finishedAfterStart(long before) {
      synchronized (rounds) {
        return rounds.stream().filter(r -> r[0] > before).count();
      }
    }

    void finish(IOException failure) {
      outcomes.add(failure != null ? failure : "ok");
    }

    void releaseAll() {
      autoFinish = true;
      for (int i = 0; i < 16; i++) {
        outcomes.offer("ok");
      }
    }

    void awaitStarted(int n) {
      await(() -> started.get() >= n);
    }

    List<Path> sortedDirs() {
      synchronized (dirs) {
        List<Path> out = new ArrayList<>(dirs);
        out.sort(null);
        return out;
      }
    }
  }
}
