package dev.spool.worker.discovery;

import io.methvin.watcher.DirectoryChangeEvent;
import io.methvin.watcher.DirectoryWatcher;
import java.io.IOException;
import java.nio.file.Path;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The local fast path of discovery: file-system events on pending/ (directory-watcher, hashing off,
 * on its own thread) feed the {@link PendingIndex} and wake the dispatcher. Events are hints; an
 * overflow or a watcher failure only asks for a rescan, which is the truth. Thread-safe.
 */
public final class PendingWatcher implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(PendingWatcher.class);

  private final Path pendingDir;
  private final PendingIndex index;
  private final Runnable wake;
  private final Runnable rescanSoon;
  private final ExecutorService thread;
  private DirectoryWatcher watcher;

  /**
   * @param wake called after a name was added (a slot may claim it)
   * @param rescanSoon called when events were lost
   */
  public PendingWatcher(Path pendingDir, PendingIndex index, Runnable wake, Runnable rescanSoon) {
    this.pendingDir = pendingDir;
    this.index = index;
    this.wake = wake;
    this.rescanSoon = rescanSoon;
    this.thread =
        Executors.newSingleThreadExecutor(
            r -> {
              Thread t = new Thread(r, "spool-watch");
              t.setDaemon(true);
              return t;
            });
  }

  /** Starts watching; on failure the rescan alone keeps discovery working. */
  public synchronized void start() {
    try {
      watcher =
          DirectoryWatcher.builder()
              .path(pendingDir)
              .fileHashing(false)
              .listener(this::onEvent)
              .build();
      watcher
          .watchAsync(thread)
          .whenComplete(
              (v, e) -> {
                if (e != null) {
                  log.warn(
                      "watch_stopped dir={} consequence=discovery relies on rescans",
                      pendingDir,
                      e);
                }
              });
    } catch (IOException | RuntimeException e) {
      log.warn("watch_unavailable dir={} consequence=discovery relies on rescans", pendingDir, e);
    }
  }

  private void onEvent(DirectoryChangeEvent event) {
    try {
      switch (event.eventType()) {
        case CREATE, MODIFY -> {
          Path p = event.path();
          if (p != null && p.getParent() != null && p.getParent().equals(pendingDir)) {
            if (index.offer(p.getFileName().toString())) {
              wake.run();
            }
          }
        }
        case DELETE -> {
          Path p = event.path();
          if (p != null) {
            index.remove(p.getFileName().toString());
          }
        }
        default -> rescanSoon.run();
      }
    } catch (RuntimeException e) {
      log.warn("watch_event_failed event={} consequence=next rescan corrects the index", event, e);
    }
  }

  @Override
  public synchronized void close() {
    try {
      if (watcher != null) {
        watcher.close();
      }
    } catch (IOException e) {
      log.debug("watch_close_failed reason={}", e.toString());
    }
    thread.shutdownNow();
  }
}
