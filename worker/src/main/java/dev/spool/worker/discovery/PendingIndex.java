package dev.spool.worker.discovery;

import dev.spool.protocol.spool.TaskName;
import dev.spool.protocol.spool.TaskState;
import java.util.Iterator;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The claimable names of pending/, in name order (priority, then enqueue time), kept in memory so
 * claiming never lists the directory. It holds file names and a cached {@link Verdict} per name,
 * never parsed tasks: about 150 bytes per entry, so a million pending tasks fit in well under 200
 * MiB of heap.
 *
 * <p>Watch events add and remove names as hints; a rescan is the truth. A rescan marks every name
 * it lists with its generation and then drops names it did not list, except names added after the
 * rescan began (a watch event may report a file the listing missed). A stale name left by a lost
 * hint costs one failed claim and is removed then. Thread-safe.
 */
public final class PendingIndex {
  private final ConcurrentSkipListMap<String, Entry> names = new ConcurrentSkipListMap<>();
  private final AtomicLong generation = new AtomicLong();

  /** One pending name and what this worker knows about it. */
  public static final class Entry {
    private volatile long seen;
    private volatile Verdict verdict;

    Entry(long seen) {
      this.seen = seen;
    }

    /** The cached verdict, or null if the task file was not read yet. */
    Verdict verdict() {
      return verdict;
    }

    void verdict(Verdict v) {
      verdict = v;
    }
  }

  /**
   * Adds a name reported by a watch event or a listing; names outside the pending grammar are not
   * added (they belong to intake).
   *
   * @return true when the name follows the grammar
   */
  public boolean offer(String fileName) {
    if (TaskName.parse(TaskState.PENDING, fileName).isEmpty()) {
      return false;
    }
    long g = generation.get();
    Entry e = names.putIfAbsent(fileName, new Entry(g));
    if (e != null) {
      e.seen = Math.max(e.seen, g);
    }
    return true;
  }

  public void remove(String fileName) {
    names.remove(fileName);
  }

  /** Starts a rescan; pass the result to {@link #seen} and {@link #endScan}. */
  public long beginScan() {
    return generation.incrementAndGet();
  }

  /** A rescan listed {@code fileName}; false when it is outside the pending grammar. */
  public boolean seen(String fileName, long scan) {
    Entry known = names.get(fileName);
    if (known != null) {
      known.seen = scan; // parsed when it was added: a rescan of a backlog parses only new names
      return true;
    }
    if (TaskName.parse(TaskState.PENDING, fileName).isEmpty()) {
      return false;
    }
    Entry e = names.putIfAbsent(fileName, new Entry(scan));
    if (e != null) {
      e.seen = scan;
    }
    return true;
  }

  /** Ends a rescan: drops names it did not list that were known before it began. */
  public void endScan(long scan) {
    names.values().removeIf(e -> e.seen < scan);
  }

  public int size() {
    return names.size();
  }

  /**
   * Forgets every cached verdict, so each task file is read and judged again when reached (the
   * fleet's routing changed: a task no lane here could run may now be routed here, or the reverse).
   */
  public void forgetVerdicts() {
    names.values().forEach(e -> e.verdict(null));
  }

  /** Entries in dispatch order; weakly consistent (concurrent changes may or may not show). */
  Iterator<Map.Entry<String, Entry>> inOrder() {
    return names.entrySet().iterator();
  }

  /** The parsed name of an entry of this index. */
  public static TaskName.Pending parse(String fileName) {
    Optional<TaskName> n = TaskName.parse(TaskState.PENDING, fileName);
    return (TaskName.Pending) n.orElseThrow();
  }
}
