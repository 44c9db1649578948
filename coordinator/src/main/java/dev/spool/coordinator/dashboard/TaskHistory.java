package dev.spool.coordinator.dashboard;

import dev.spool.coordinator.wal.WalFollower;
import dev.spool.protocol.wal.WalRecord;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Every decision the coordinator's write-ahead log holds about each task, indexed by task id as the
 * log grows: a {@link WalFollower} reads only what was appended since the last refresh, so a task
 * page costs a map lookup plus the new bytes, never a read of the whole log.
 *
 * <p>Bounded: the last {@link #KEEP} decisions of a task are kept (with the count of all), and at
 * most {@link #MAX_TASKS} tasks, the ones decided about least recently leaving first. The log
 * itself forgets finished tasks when the coordinator compacts it; what this index read before is
 * kept. A record repeated by a compaction (same seq) is recognised and counted once.
 *
 * <p>Thread-safe: refreshes and lookups are serialized on this object.
 */
final class TaskHistory {
  static final int KEEP = 100;
  static final int MAX_TASKS = 100_000;

  /** One decision about a task, as the page shows it. */
  record Entry(
      long seq,
      Instant at,
      String op,
      Integer attempt,
      String from,
      String to,
      String reason,
      Instant dueAt) {}

  /** The last decisions of one task, oldest first, and how many the index has seen in all. */
  record View(List<Entry> entries, long total) {
    long hidden() {
      return total - entries.size();
    }
  }

  private static final class Tail {
    final ArrayDeque<Entry> entries = new ArrayDeque<>();
    long total;
    long lastSeq = -1;
  }

  private final WalFollower follower;
  private final Interner strings = new Interner();
  private final Map<String, Tail> byTask =
      new LinkedHashMap<>(1024, 0.75f, false) {
        private static final long serialVersionUID = 1L;

        @Override
        protected boolean removeEldestEntry(Map.Entry<String, Tail> eldest) {
          return size() > MAX_TASKS;
        }
      };
  private long records;

  TaskHistory(Path walDir) {
    this.follower = new WalFollower(walDir);
  }

  /** Reads what the log gained since the last refresh. */
  synchronized WalFollower.Progress refresh() throws IOException {
    return follower.poll(this::add);
  }

  /** The task's decisions after a refresh (an empty view when the log holds none). */
  synchronized View of(String id) throws IOException {
    refresh();
    Tail t = byTask.get(id);
    return t == null ? new View(List.of(), 0) : new View(new ArrayList<>(t.entries), t.total);
  }

  /** Decision records indexed since the start (benchmark, tests). */
  synchronized long records() {
    return records;
  }

  private void add(WalRecord r) {
    if (r.taskId() == null) {
      return; // checkpoints and other records about no task
    }
    Tail t = byTask.remove(r.taskId());
    if (t == null) {
      t = new Tail();
    }
    // Re-inserted so the map's order is "least recently decided about first" for eviction.
    byTask.put(r.taskId(), t);
    if (r.seq() <= t.lastSeq) {
      return; // repeated by a compaction, or by an older epoch's file read after a newer one
    }
    t.lastSeq = r.seq();
    t.total++;
    records++;
    t.entries.addLast(
        new Entry(
            r.seq(),
            r.at(),
            strings.intern(r.op()),
            r.attempt(),
            r.from(),
            r.to(),
            r.reason(),
            r.dueAt()));
    if (t.entries.size() > KEEP) {
      t.entries.removeFirst();
    }
  }
}
