package dev.spool.coordinator.submit;

import dev.spool.protocol.fs.AtomicFiles;
import dev.spool.protocol.json.SpoolJson;
import dev.spool.protocol.spool.SpoolLayout;
import dev.spool.protocol.spool.TaskName;
import dev.spool.protocol.spool.TaskState;
import dev.spool.protocol.task.Task;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * Publishes many new tasks with the durability of publishing each alone, in three phases
 * (PROTOCOL.md section 9, "Batches"):
 *
 * <ol>
 *   <li>stage: every task is written to its own temp file in {@code tmp/} and fsynced, on {@link
 *       ParallelIo}'s threads, so the file system commits the fsyncs as groups;
 *   <li>rename: only when every temp file is durable, each is renamed to its entry name, tasks
 *       without dependencies first and {@code blocked/} ones last;
 *   <li>one fsync of each entry directory used; only then does {@link #publishAll} return.
 * </ol>
 *
 * <p>Crash: during phase 1 no task is visible, only temp files ({@code spool fsck} removes them).
 * During phase 2 the tasks renamed so far are visible and complete (their data was durable before
 * any rename); the rest stay temp files that nobody publishes. Before phase 3 ends a power loss may
 * forget renames not yet covered by a directory fsync. A rerun of the batch with the same
 * idempotency keys creates exactly the missing tasks. On an I/O error the temp files not yet
 * renamed are removed and the error is thrown; tasks already renamed stay published.
 *
 * <p>Thread-safe.
 */
final class BatchPublisher {
  private final SpoolLayout layout;
  private final AtomicFiles files;
  private final ParallelIo io;

  BatchPublisher(SpoolLayout layout, AtomicFiles files, ParallelIo io) {
    this.layout = layout;
    this.files = files;
    this.io = io;
  }

  /** Publishes {@code tasks.get(i)} under {@code names.get(i)}; returns when all are durable. */
  void publishAll(List<TaskName> names, List<Task> tasks) throws IOException {
    if (names.size() != tasks.size()) {
      throw new IllegalArgumentException(names.size() + " names for " + tasks.size() + " tasks");
    }
    List<Integer> order = renameOrder(names);
    Path[] targets = new Path[names.size()];
    for (int i : order) {
      targets[i] = layout.path(names.get(i));
    }
    Path[] staged = new Path[names.size()];
    try {
      io.forEach(
          names.size(), i -> staged[i] = files.stage(targets[i], SpoolJson.write(tasks.get(i))));
      Set<Path> dirs = new LinkedHashSet<>();
      for (int i : order) {
        files.ops().rename(staged[i], targets[i]);
        staged[i] = null;
        dirs.add(targets[i].getParent());
      }
      for (Path d : dirs) {
        files.syncDir(d);
      }
    } finally {
      removeLeftovers(staged);
    }
  }

  /** Entry directories a new task may be published into; any other name is a caller's bug. */
  private static List<Integer> renameOrder(List<TaskName> names) {
    List<Integer> first = new ArrayList<>();
    List<Integer> last = new ArrayList<>();
    for (int i = 0; i < names.size(); i++) {
      TaskState s = names.get(i).state();
      if (s == TaskState.BLOCKED) {
        last.add(i);
      } else if (s == TaskState.PENDING || s == TaskState.SCHEDULED || s == TaskState.HELD) {
        first.add(i);
      } else {
        throw new IllegalArgumentException(
            "a new task cannot be published into " + s.dirName() + "/");
      }
    }
    first.addAll(last);
    return first;
  }

  /** Best effort: a temp file that cannot be removed now is left for {@code spool fsck}. */
  private void removeLeftovers(Path[] staged) {
    for (Path p : staged) {
      if (p != null) {
        try {
          files.ops().deleteIfExists(p);
        } catch (IOException e) {
          // fsck removes stale temp files; the error that stopped the batch is the one to report
        }
      }
    }
  }
}
