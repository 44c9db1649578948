package dev.spool.worker.publish;

import dev.spool.protocol.fs.AtomicFiles;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Directory fsyncs of a worker's finishing moves, done on one background thread and coalesced: the
 * moves of every slot that finished while the previous round was syncing share the next round, one
 * fsync per directory. A finishing move may be made durable after the slot has gone on to its next
 * task because the attempt's result, published and made durable before the move, is the commit
 * point (PROTOCOL.md sections 9 and 11): a power loss that forgets the move leaves a claim with its
 * result, which the coordinator or this worker's successor applies exactly as the worker would
 * have. This takes two of the six fsyncs of a task off the slot's path.
 *
 * <p>A failing fsync is logged and not retried (the same reasoning: nothing is lost, and the next
 * round's fsync of the directory covers the rename too). {@link #close} syncs what is left.
 * Thread-safe.
 */
public final class DeferredDirSync implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(DeferredDirSync.class);

  private final AtomicFiles files;
  private final Set<Path> dirty = new LinkedHashSet<>();
  private final Thread thread;
  private long requested;
  private long synced;
  private boolean closing;

  /** Starts the sync thread, named {@code spool-dirsync-NAME}. */
  public DeferredDirSync(AtomicFiles files, String name) {
    this.files = files;
    this.thread = new Thread(this::loop, "spool-dirsync-" + name);
    thread.setDaemon(true);
    thread.start();
  }

  /** Asks for an fsync of each directory soon; returns at once. */
  public void later(Path... dirs) {
    synchronized (this) {
      for (Path d : dirs) {
        dirty.add(d);
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
      List<Path> round;
      long covers;
      synchronized (this) {
        while (dirty.isEmpty() && !closing) {
          try {
            wait();
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return;
          }
        }
        if (dirty.isEmpty()) {
          return; // closing and nothing left
        }
        round = new ArrayList<>(dirty);
        dirty.clear();
        covers = requested;
      }
      for (Path d : round) {
        try {
          files.syncDir(d);
        } catch (IOException e) {
          log.warn(
              "dir_sync_failed dir={} consequence=a power loss may forget finishing moves into it;"
                  + " their results are durable and recovery applies them",
              d,
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
