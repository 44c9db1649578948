package dev.spool.coordinator.dashboard;

import dev.spool.protocol.spool.TaskName;
import dev.spool.protocol.spool.TaskState;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ConcurrentNavigableMap;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Predicate;

/**
 * Every task of the spool by state, in memory, so a page view never lists a directory. Each state
 * keeps its names in name order (dispatch order in pending/, due order in scheduled/; the id in the
 * terminal states, whose key is the id itself so a million done tasks cost no second string).
 *
 * <p>Watch events add and remove names as hints; a rescan is the truth. A rescan stamps every name
 * it lists with its generation and then drops entries it did not see, except entries touched after
 * the rescan began (an event may report a file the listing missed). A task seen in a new state
 * leaves its old one at once, so a rename's create and delete events may arrive in either order.
 *
 * <p>Mutations are serialized on the index; reads (counts, pages, lookups) take no lock and see a
 * weakly consistent view. Memory is about 200 bytes per task plus its labels once enriched.
 */
final class TaskIndex {
  /** What the index knows of one task; type, labels and worker are filled in by enrichment. */
  static final class Info {
    final String id;
    volatile TaskState state;
    volatile String key;
    volatile long seen;
    volatile boolean enriched;
    volatile String type;
    volatile String lane;
    volatile Map<String, String> labels = Map.of();
    volatile String worker;
    volatile long createdMillis = -1;

    /** Results already counted for metrics; -1 until known (history is not counted). */
    volatile int attemptsSeen;

    Info(String id, int attemptsSeen) {
      this.id = id;
      this.attemptsSeen = attemptsSeen;
    }
  }

  /** One page of a listing and where the next one starts (null at the end). */
  record Page(List<Info> rows, String next, int examined) {}

  private final Map<String, Info> byId = new ConcurrentHashMap<>();
  private final Map<TaskState, ConcurrentSkipListMap<String, Info>> byState =
      new EnumMap<>(TaskState.class);
  private final Map<TaskState, AtomicLong> counts = new EnumMap<>(TaskState.class);
  private final AtomicLong generation = new AtomicLong();
  private final AtomicLong unread = new AtomicLong();
  private final ConcurrentLinkedQueue<Info> toRead = new ConcurrentLinkedQueue<>();
  private volatile boolean initialScanDone;

  TaskIndex() {
    for (TaskState s : TaskState.values()) {
      byState.put(s, new ConcurrentSkipListMap<>());
      counts.put(s, new AtomicLong());
    }
  }

  static String keyOf(TaskName name) {
    return name.state().isTerminal() ? name.id() : name.fileName();
  }

  /**
   * Records that {@code name} exists now.
   *
   * @return the task's entry and whether its state changed (a new task counts as changed)
   */
  synchronized Optional<Info> put(TaskName name) {
    String key = keyOf(name);
    Info info = byId.get(name.id());
    boolean changed;
    if (info == null) {
      info = new Info(name.id(), initialScanDone ? 0 : -1);
      unread.incrementAndGet();
      toRead.add(info);
      byId.put(name.id(), info);
      changed = true;
    } else {
      changed = info.state != name.state() || !key.equals(info.key);
      if (changed && info.state != null) {
        unlink(info);
      }
    }
    info.seen = generation.get();
    if (changed) {
      info.state = name.state();
      info.key = key;
      if (name instanceof TaskName.Claimed) {
        info.worker = ((TaskName.Claimed) name).worker();
      }
      if (byState.get(name.state()).put(key, info) == null) {
        counts.get(name.state()).incrementAndGet();
      }
    }
    return changed ? Optional.of(info) : Optional.empty();
  }

  /** Records that {@code name} is gone (a delete event): the task is moving or was purged. */
  synchronized void remove(TaskName name) {
    Info info = byId.get(name.id());
    if (info != null && info.state == name.state() && keyOf(name).equals(info.key)) {
      unlink(info);
      info.state = null;
      info.key = null;
    }
  }

  private void unlink(Info info) {
    if (byState.get(info.state).remove(info.key, info)) {
      counts.get(info.state).decrementAndGet();
    }
  }

  /** Starts a rescan; every name listed afterwards is stamped with the returned generation. */
  long beginScan() {
    return generation.incrementAndGet();
  }

  /** Ends a rescan: drops every task not seen since {@code scan} began. */
  synchronized int endScan(long scan) {
    int dropped = 0;
    for (Iterator<Info> it = byId.values().iterator(); it.hasNext(); ) {
      Info info = it.next();
      if (info.seen < scan) {
        if (info.state != null) {
          unlink(info);
        }
        it.remove();
        if (!info.enriched) {
          unread.decrementAndGet();
        }
        dropped++;
      }
    }
    initialScanDone = true;
    return dropped;
  }

  /** Records that the background reader has read the task's file (or found it unreadable). */
  synchronized void markEnriched(Info info) {
    if (!info.enriched) {
      info.enriched = true;
      if (byId.get(info.id) == info) {
        unread.decrementAndGet();
      }
    }
  }

  /**
   * The next task for the background reader, oldest first; null when none waits. Entries dropped
   * from the index meanwhile are skipped.
   */
  Info nextToRead() {
    for (Info i = toRead.poll(); i != null; i = toRead.poll()) {
      if (!i.enriched && byId.get(i.id) == i) {
        return i;
      }
    }
    return null;
  }

  /** Puts back a task the reader could not read yet (it moved under the read). */
  void readLater(Info info) {
    toRead.add(info);
  }

  /** Tasks whose file the background reader has not read yet. */
  long unread() {
    return unread.get();
  }

  boolean initialScanDone() {
    return initialScanDone;
  }

  long count(TaskState state) {
    return counts.get(state).get();
  }

  Map<TaskState, Long> counts() {
    Map<TaskState, Long> out = new EnumMap<>(TaskState.class);
    counts.forEach((s, n) -> out.put(s, n.get()));
    return out;
  }

  long size() {
    return byId.size();
  }

  Optional<Info> get(String id) {
    return Optional.ofNullable(byId.get(id));
  }

  /**
   * The earliest enqueue time among pending names (their second field), or -1 when none is pending.
   * One pass over the pending keys in memory; no file is read.
   */
  long oldestPendingEnqueued() {
    long oldest = Long.MAX_VALUE;
    for (String key : byState.get(TaskState.PENDING).keySet()) {
      // RRR~EEEEEEEEEEEEE~ID~A.json: the grammar fixes the 13 digits at 4..17.
      if (key.length() > 17) {
        long e = 0;
        for (int i = 4; i < 17; i++) {
          e = e * 10 + (key.charAt(i) - '0');
        }
        oldest = Math.min(oldest, e);
      }
    }
    return oldest == Long.MAX_VALUE ? -1 : oldest;
  }

  /**
   * One page of tasks of {@code states} (in enum order, then name order) that match {@code filter},
   * starting after the cursor {@code after} ({@code state:key}, or null for the start). At most
   * {@code maxExamined} entries are looked at, so a filter that matches little stays bounded; the
   * page is then short and {@code next} says where to go on.
   */
  Page page(
      List<TaskState> states, String after, int limit, Predicate<Info> filter, int maxExamined) {
    List<Info> rows = new ArrayList<>();
    int examined = 0;
    int startState = 0;
    String afterKey = null;
    if (after != null) {
      int colon = after.indexOf(':');
      TaskState s = colon < 0 ? null : TaskState.ofCode(after.substring(0, colon));
      if (s != null && states.contains(s)) {
        startState = states.indexOf(s);
        afterKey = after.substring(colon + 1);
      }
    }
    for (int i = startState; i < states.size(); i++) {
      TaskState s = states.get(i);
      ConcurrentNavigableMap<String, Info> map = byState.get(s);
      if (i == startState && afterKey != null) {
        map = map.tailMap(afterKey, false);
      }
      // The cursor is the last key examined; "" (no key is empty) means the state's start.
      String lastExamined = "";
      for (Map.Entry<String, Info> e : map.entrySet()) {
        if (rows.size() == limit || examined == maxExamined) {
          return new Page(rows, s.code() + ":" + lastExamined, examined);
        }
        examined++;
        lastExamined = e.getKey();
        if (filter.test(e.getValue())) {
          rows.add(e.getValue());
        }
      }
    }
    return new Page(rows, null, examined);
  }
}
