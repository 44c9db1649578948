package dev.spool.worker.publish;

import dev.spool.protocol.fs.AtomicFiles;
import dev.spool.protocol.fs.DirChange;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Directory fsyncs of a worker's finishing moves, done on one background thread and coalesced. A
 * finishing move may be made durable after the slot has gone on to its next task because the
 * attempt's result, published and made durable before the move, is the commit point (PROTOCOL.md
 * sections 9 and 11): a power loss that forgets the move leaves a claim with its result, which the
 * coordinator or this worker's successor applies exactly as the worker would have. This takes two
 * of the six fsyncs of a task off the slot's path.
 *
 * <p>It also takes most of them off the disk. Each move is noted with {@link
 * AtomicFiles#dirChanged} when it is asked for, and the thread waits {@code linger} (20 ms for a
 * worker) before a round, so that:
 *
 * <ul>
 *   <li>every move that finishes in that time shares the round's one fsync per directory;
 *   <li>a directory another thread fsyncs meanwhile needs no fsync of its own. A slot's next claim
 *       fsyncs {@code claimed/} and {@code pending/} before it starts its task, which covers the
 *       finishing moves out of {@code claimed/} and the requeues into {@code pending/} made before
 *       it.
 * </ul>
 *
 * Under a steady stream of short tasks that leaves about one fsync of the target directory per
 * round instead of two per task. The cost is a window of up to {@code linger} plus one fsync in
 * which a power loss can forget a finishing move, which recovery repairs as above.
 *
 * <p>A failing fsync is logged and not retried (the same reasoning: nothing is lost, and the next
 * round's fsync of the directory covers the rename too). {@link #flush} and {@link #close} skip the
 * wait. Thread-safe.
 */
public final class DeferredDirSync implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(DeferredDirSync.class);

  /** How long a worker's round waits for more moves, and for other threads' fsyncs, to share. */
  public static final Duration WORKER_LINGER = Duration.ofMillis(20);

  private final AtomicFiles files;
  private final long lingerNanos;

  /** Per directory, its latest change: a round that covers it covers the earlier ones. */
  private final Map<Path, DirChange> dirty = new LinkedHashMap<>();

  private final Thread thread;
  private long requested;
  private long synced;
  private long hurry; // a flush waits for every request up to this one: past synced, do not linger
  private boolean closing;

  /** Starts the sync thread, named {@code spool-dirsync-NAME}, with rounds {@code linger} apart. */
  public DeferredDirSync(AtomicFiles files, String name, Duration linger) {
    this.files = files;
    this.lingerNanos = linger.toNanos();
    this.thread = new Thread(this::loop, "spool-dirsync-" + name);
    thread.setDaemon(true);
    thread.start();
  }

  /**
   * Asks for an fsync of each directory soon; returns at once. Call it after the change to them is
   * made: an fsync that started before this call does not count for it.
   */
  public void later(Path... dirs) {
    synchronized (this) {
      for (Path d : dirs) {
        dirty.put(d, files.dirChanged(d));
      }
      requested++;
      notifyAll();
    }
  }

  /**
   * Waits until every directory asked for before this call has been synced.
   *
   * @return false if {@code bound} passed first
   */
  public boolean flush(Duration bound) throws InterruptedException {
    long deadline = System.nanoTime() + bound.toNanos();
    synchronized (this) {
      long target = requested;
      hurry = Math.max(hurry, target);
      notifyAll();
      while (synced < target) {
        long left = deadline - System.nanoTime();
        if (left <= 0 || !thread.isAlive()) {
          return synced >= target;
        }
        TimeUnit.NANOSECONDS.timedWait(this, left);
      }
      return true;
    }
  }

  private void loop() {
    while (true) {
      List<DirChange> round;
      long covers;
      synchronized (this) {
        try {
          while (dirty.isEmpty() && !closing) {
            wait();
          }
          long until = System.nanoTime() + lingerNanos;
          long left;
          while (!closing && hurry <= synced && (left = until - System.nanoTime()) > 0) {
            TimeUnit.NANOSECONDS.timedWait(this, left);
          }
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          return;
        }
        if (dirty.isEmpty()) {
          return; // closing and nothing left
        }
        round = new ArrayList<>(dirty.values());
        dirty.clear();
        covers = requested;
      }
      for (DirChange change : round) {
        try {
          files.syncDir(change); // returns at once if another thread's fsync covered it
        } catch (IOException e) {
          log.warn(
              "dir_sync_failed dir={} consequence=a power loss may forget finishing moves into it;"
                  + " their results are durable and recovery applies them",
              change.dir(),
              e);
        }
      }
      synchronized (this) {
        synced = covers;
        notifyAll();
      }
    }
  }

  /** Syncs what is pending (up to 10 s) and stops the thread. */
  @Override
  public void close() {
    try {
      if (!flush(Duration.ofSeconds(10))) {
        log.warn("dir_sync_unfinished consequence=the last finishing moves may not be durable");
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    synchronized (this) {
      closing = true;
      notifyAll();
    }
  }
}
