package dev.spool.coordinator;

import dev.spool.coordinator.hooks.HookEvent;
import dev.spool.coordinator.hooks.HookRunner;
import dev.spool.coordinator.stats.ThroughputRecord;
import dev.spool.protocol.InvalidInputException;
import dev.spool.protocol.fs.AtomicFiles;
import dev.spool.protocol.heartbeat.FinishedTask;
import dev.spool.protocol.heartbeat.Heartbeat;
import dev.spool.protocol.json.SpoolJson;
import dev.spool.protocol.spool.SpoolLayout;
import dev.spool.protocol.spool.TaskFiles;
import dev.spool.protocol.spool.TaskState;
import dev.spool.protocol.task.Task;
import java.io.IOException;
import java.nio.file.NoSuchFileException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Learns from the workers' heartbeats what finished, without listing the terminal directories: the
 * totals' growth between two heartbeat versions goes into 10-second buckets (written to {@code
 * state/throughput.json} every 5 s for {@code spool status}), and each task a heartbeat lists as
 * finished in done/ fires the {@code task_done} hooks with the task's labels. Best effort: what a
 * worker finished while no coordinator watched is counted by nobody, and a worker finishing more
 * than 256 attempts between two beats names only the newest. Not thread-safe (the pass thread).
 */
final class FinishObserver {
  private static final Logger log = LoggerFactory.getLogger(FinishObserver.class);
  static final Duration BUCKET = Duration.ofSeconds(10);
  static final Duration KEEP = Duration.ofMinutes(15);
  static final Duration WRITE_EVERY = Duration.ofSeconds(5);

  private record Seen(long seq, long succeeded, long failed) {}

  private final SpoolLayout layout;
  private final AtomicFiles files;
  private final HookRunner hooks;
  private final Clock clock;
  private final LongSupplier ticker;
  private final TaskFiles taskFiles;
  private final Map<String, Seen> seen = new HashMap<>();
  private final TreeMap<Long, long[]> buckets = new TreeMap<>();
  private long lastWrite;
  private boolean written;

  FinishObserver(
      SpoolLayout layout, AtomicFiles files, HookRunner hooks, Clock clock, LongSupplier ticker) {
    this.layout = layout;
    this.files = files;
    this.hooks = hooks;
    this.clock = clock;
    this.ticker = ticker;
    this.taskFiles = new TaskFiles(layout);
  }

  void observe(Map<String, Heartbeat> heartbeats) {
    Set<String> present = new HashSet<>();
    for (Heartbeat hb : heartbeats.values()) {
      String key = hb.workerId() + "~" + hb.incarnation();
      present.add(key);
      Seen before = seen.get(key);
      if (before != null && before.seq() == hb.seq()) {
        continue;
      }
      seen.put(key, new Seen(hb.seq(), hb.succeededTotal(), hb.failedTotal()));
      if (before != null) {
        count(
            Math.max(0, hb.succeededTotal() - before.succeeded()),
            Math.max(0, hb.failedTotal() - before.failed()));
      }
      if (hooks.wants(HookEvent.TASK_DONE)) {
        for (FinishedTask f : hb.finished()) {
          if (f.state() == TaskState.DONE) {
            fireDone(f, hb.workerId());
          }
        }
      }
    }
    seen.keySet().retainAll(present);
  }

  private void count(long succeeded, long failed) {
    if (succeeded == 0 && failed == 0) {
      return;
    }
    long start = clock.millis() / BUCKET.toMillis() * BUCKET.toMillis();
    long[] b = buckets.computeIfAbsent(start, k -> new long[2]);
    b[0] += succeeded;
    b[1] += failed;
    buckets.headMap(start - KEEP.toMillis()).clear();
  }

  private void fireDone(FinishedTask f, String worker) {
    try {
      Task t = taskFiles.read(layout.terminal(TaskState.DONE, f.taskId()), f.taskId());
      hooks.fire(
          new HookEvent(
              HookEvent.TASK_DONE,
              clock.instant(),
              f.taskId(),
              worker,
              "succeeded",
              null,
              t.labels()));
    } catch (NoSuchFileException e) {
      // Purged or retried meanwhile: there is no done task to report any more.
    } catch (IOException | InvalidInputException e) {
      log.warn(
          "task_done_unreadable task={} reason={} consequence=its task_done hooks do not run",
          f.taskId(),
          e.getMessage());
    }
  }

  /** Rewrites {@code state/throughput.json} when {@link #WRITE_EVERY} has passed. */
  void maybeWrite() throws IOException {
    long now = ticker.getAsLong();
    if (written && now - lastWrite < WRITE_EVERY.toNanos()) {
      return;
    }
    List<ThroughputRecord.Bucket> out = new ArrayList<>();
    for (Map.Entry<Long, long[]> e : buckets.entrySet()) {
      out.add(
          new ThroughputRecord.Bucket(
              Instant.ofEpochMilli(e.getKey()), e.getValue()[0], e.getValue()[1]));
    }
    ThroughputRecord r = new ThroughputRecord(1, (int) BUCKET.toSeconds(), clock.instant(), out);
    files.replace(layout.state().resolve("throughput.json"), SpoolJson.write(r));
    lastWrite = now;
    written = true;
  }
}
