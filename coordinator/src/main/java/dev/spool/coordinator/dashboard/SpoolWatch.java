package dev.spool.coordinator.dashboard;

import dev.spool.protocol.spool.SpoolLayout;
import dev.spool.protocol.spool.TaskName;
import dev.spool.protocol.spool.TaskState;
import io.methvin.watcher.DirectoryChangeEvent;
import io.methvin.watcher.DirectoryWatcher;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The local fast path of the dashboard's index: file-system events on the nine state directories
 * and on results/ (directory-watcher, hashing off, on its own thread). Events are hints; an
 * overflow or a watcher failure only asks for a rescan, which is the truth. Over NFS other hosts'
 * changes raise no event at all and reach the index by the rescan alone. Thread-safe.
 */
final class SpoolWatch implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(SpoolWatch.class);

  private final SpoolLayout layout;
  private final IndexMaintainer maintainer;
  private final ExecutorService thread;
  private DirectoryWatcher watcher;

  SpoolWatch(SpoolLayout layout, IndexMaintainer maintainer) {
    this.layout = layout;
    this.maintainer = maintainer;
    this.thread = Daemons.single("spool-dashboard-watch");
  }

  /** Starts watching; on failure the rescans alone keep the index current. */
  synchronized void start() {
    List<Path> dirs = new ArrayList<>();
    for (TaskState s : TaskState.values()) {
      dirs.add(layout.dir(s));
    }
    dirs.add(layout.results());
    try {
      watcher =
          DirectoryWatcher.builder().paths(dirs).fileHashing(false).listener(this::onEvent).build();
      watcher
          .watchAsync(thread)
          .whenComplete(
              (v, e) -> {
                if (e != null) {
                  log.warn("watch_stopped consequence=the index relies on rescans", e);
                }
              });
    } catch (IOException | RuntimeException e) {
      log.warn("watch_unavailable consequence=the index relies on rescans", e);
    }
  }

  private void onEvent(DirectoryChangeEvent event) {
    try {
      Path p = event.path();
      if (p == null || p.getParent() == null || p.getFileName() == null) {
        maintainer.rescanSoon();
        return;
      }
      String name = p.getFileName().toString();
      Path dir = p.getParent();
      if (dir.equals(layout.results())) {
        if (event.eventType() == DirectoryChangeEvent.EventType.CREATE) {
          maintainer.resultAppeared(name);
        }
        return;
      }
      Optional<TaskState> state = stateOf(dir);
      if (state.isEmpty()) {
        return;
      }
      Optional<TaskName> task = layout.parse(state.get(), name);
      switch (event.eventType()) {
        case CREATE:
        case MODIFY:
          task.ifPresent(maintainer::seen);
          break;
        case DELETE:
          task.ifPresent(maintainer::gone);
          break;
        default:
          maintainer.rescanSoon();
      }
    } catch (RuntimeException e) {
      log.warn(
          "watch_event_failed event={} consequence=the next rescan corrects the index", event, e);
    }
  }

  private Optional<TaskState> stateOf(Path dir) {
    for (TaskState s : TaskState.values()) {
      if (layout.dir(s).equals(dir)) {
        return Optional.of(s);
      }
    }
    return Optional.empty();
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
