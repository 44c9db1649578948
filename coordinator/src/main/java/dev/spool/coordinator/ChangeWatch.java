package dev.spool.coordinator;

import dev.spool.protocol.spool.SpoolLayout;
import dev.spool.protocol.spool.TaskState;
import java.io.IOException;
import java.nio.file.ClosedWatchServiceException;
import java.nio.file.FileSystems;
import java.nio.file.Path;
import java.nio.file.StandardWatchEventKinds;
import java.nio.file.WatchKey;
import java.nio.file.WatchService;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Wakes an idle coordinator as soon as something it acts on appears: file-system events on the
 * directories a pass lists every time (scheduled/, held/, claimed/, failed/, blocked/, control/).
 * Not pending/ (intake needs no coordinator; its churn would keep the pace at its busiest) and not
 * heartbeats/ (rewritten every few seconds; liveness needs no prompt look).
 *
 * <p>Armed only while the coordinator backs off ({@link #arm}, {@link #disarm}): a busy spool is
 * looked at every base interval anyway, and its hundreds of events a second would only cost CPU
 * (the JDK's poller thread reads every one). Events are hints: a missed one (overflow, NFS, where
 * other hosts' changes raise none, a change just before arming) costs at most one idle pause,
 * because every pass compares its listings with the last ones. Registration lists nothing, so it is
 * cheap however many names the directories hold. One daemon thread, blocked while nothing happens.
 * Thread-safe.
 */
final class ChangeWatch implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(ChangeWatch.class);
  static final List<TaskState> WATCHED =
      List.of(
          TaskState.SCHEDULED,
          TaskState.HELD,
          TaskState.CLAIMED,
          TaskState.FAILED,
          TaskState.BLOCKED);

  private final SpoolLayout layout;
  private final Runnable onChange;
  private WatchService watcher;
  private Thread thread;
  private final List<WatchKey> keys = new ArrayList<>();

  /**
   * @param onChange called on the watch thread after each batch of events
   */
  ChangeWatch(SpoolLayout layout, Runnable onChange) {
    this.layout = layout;
    this.onChange = onChange;
  }

  /**
   * Starts the watch thread, unarmed; without a watch (none on this file system) the pacing alone
   * still works.
   */
  synchronized void start() {
    try {
      watcher = FileSystems.getDefault().newWatchService();
    } catch (IOException | RuntimeException e) {
      unavailable(e);
      return;
    }
    thread = new Thread(this::run, "spool-coordinator-watch");
    thread.setDaemon(true);
    thread.start();
  }

  /** Watches the directories (if not already): the coordinator is about to back off. */
  synchronized void arm() {
    if (watcher == null || !keys.isEmpty()) {
      return;
    }
    try {
      for (TaskState s : WATCHED) {
        keys.add(register(layout.dir(s)));
      }
      keys.add(register(layout.control()));
    } catch (IOException | RuntimeException e) {
      unavailable(e);
    }
  }

  /** Stops watching the directories: the coordinator passes every base interval anyway. */
  synchronized void disarm() {
    for (WatchKey k : keys) {
      k.cancel();
    }
    keys.clear();
  }

  boolean armed() {
    synchronized (this) {
      return !keys.isEmpty();
    }
  }

  private void unavailable(Exception e) {
    log.warn(
        "coordinator_watch_unavailable reason={} consequence=changes are found by the paced"
            + " passes alone (within the idle interval)",
        e.toString());
    disarm();
    closeQuietly();
    watcher = null;
  }

  private WatchKey register(Path dir) throws IOException {
    return dir.register(
        watcher,
        StandardWatchEventKinds.ENTRY_CREATE,
        StandardWatchEventKinds.ENTRY_DELETE,
        StandardWatchEventKinds.OVERFLOW);
  }

  private void run() {
    WatchService w;
    synchronized (this) {
      w = watcher;
    }
    while (w != null) {
      try {
        WatchKey key = w.take();
        key.pollEvents();
        key.reset();
        onChange.run();
      } catch (InterruptedException | ClosedWatchServiceException e) {
        return;
      } catch (RuntimeException e) {
        log.warn("coordinator_watch_event_failed consequence=the next paced pass looks anyway", e);
      }
    }
  }

  @Override
  public synchronized void close() {
    closeQuietly();
    if (thread != null) {
      thread.interrupt();
    }
  }

  private void closeQuietly() {
    try {
      if (watcher != null) {
        watcher.close();
      }
    } catch (IOException e) {
      log.debug("coordinator_watch_close_failed reason={}", e.toString());
    }
  }
}
