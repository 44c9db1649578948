package dev.spool.coordinator.view;

import dev.spool.coordinator.stats.ThroughputRecord;
import dev.spool.protocol.InvalidInputException;
import dev.spool.protocol.fs.FileSystemClock;
import dev.spool.protocol.fs.SafeFiles;
import dev.spool.protocol.heartbeat.Heartbeat;
import dev.spool.protocol.json.SpoolJson;
import dev.spool.protocol.spool.HeartbeatFiles;
import dev.spool.protocol.spool.SpoolLayout;
import dev.spool.protocol.spool.TaskState;
import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;

/**
 * Counts per state, the oldest pending task and the workers, read from the spool in one pass per
 * directory. Costs one directory listing per state (no file is opened except heartbeats).
 */
public final class SpoolSnapshot {
  /** Default for judging a heartbeat stale when no coordinator is there to watch sequences. */
  public static final Duration DEAD_AFTER = Duration.ofSeconds(15);

  private final Map<TaskState, Long> counts;
  private final OptionalLong oldestPendingEnqueuedMillis;
  private final List<WorkerView> workers;
  private final long[] lastMinute;

  private SpoolSnapshot(
      Map<TaskState, Long> counts,
      OptionalLong oldest,
      List<WorkerView> workers,
      long[] lastMinute) {
    this.counts = counts;
    this.oldestPendingEnqueuedMillis = oldest;
    this.workers = workers;
    this.lastMinute = lastMinute;
  }

  /**
   * Attempts that succeeded ([0]) and failed ([1]) in the last minute, as the active coordinator
   * counted them from heartbeats; empty when no coordinator wrote them in the last 30 s.
   */
  public java.util.Optional<long[]> lastMinute() {
    return java.util.Optional.ofNullable(lastMinute);
  }

  public Map<TaskState, Long> counts() {
    return counts;
  }

  /**
   * Enqueue time (epoch ms, from the pending name) of the first task in dispatch order's age basis.
   */
  public OptionalLong oldestPendingEnqueuedMillis() {
    return oldestPendingEnqueuedMillis;
  }

  public List<WorkerView> workers() {
    return workers;
  }

  public static SpoolSnapshot read(SpoolLayout layout) throws IOException {
    Map<TaskState, Long> counts = new EnumMap<>(TaskState.class);
    long oldest = Long.MAX_VALUE;
    for (TaskState s : TaskState.values()) {
      long n = 0;
      try (DirectoryStream<Path> dir = Files.newDirectoryStream(layout.dir(s))) {
        for (Path p : dir) {
          String name = p.getFileName().toString();
          if (name.startsWith(".")) {
            continue;
          }
          n++;
          if (s == TaskState.PENDING) {
            long enqueued = enqueuedMillis(name);
            if (enqueued >= 0) {
              oldest = Math.min(oldest, enqueued);
            }
          }
        }
      }
      counts.put(s, n);
    }
    return new SpoolSnapshot(
        counts,
        oldest == Long.MAX_VALUE ? OptionalLong.empty() : OptionalLong.of(oldest),
        workers(layout),
        readLastMinute(layout));
  }

  /**
   * The enqueue time of a pending name ({@code RRR~EEEEEEEEEEEEE~ID~A.json}) read from its fixed
   * position, or -1 for a name without that shape. A million pending names are read this way in a
   * few milliseconds, where a full parse of each would cost most of a {@code spool status}; a
   * hand-dropped name that happens to have the shape only shifts the "oldest" estimate until intake
   * renames it.
   */
  static long enqueuedMillis(String name) {
    if (name.length() < 19 || name.charAt(3) != '~' || name.charAt(17) != '~') {
      return -1;
    }
    long v = 0;
    for (int i = 4; i < 17; i++) {
      char c = name.charAt(i);
      if (c < '0' || c > '9') {
        return -1;
      }
      v = v * 10 + (c - '0');
    }
    return v;
  }

  private static long[] readLastMinute(SpoolLayout layout) throws IOException {
    Path p = layout.state().resolve("throughput.json");
    long age = FileSystemClock.nowMillis(layout.tmp()) - FileSystemClock.mtimeMillis(p);
    if (age < 0 || age > 30_000) {
      return null;
    }
    try {
      ThroughputRecord r =
          SpoolJson.read(
              layout.relative(p),
              SafeFiles.readBounded(p, SpoolJson.MAX_DOCUMENT_BYTES),
              ThroughputRecord.class);
      return r.since(r.writtenAt().minusSeconds(60));
    } catch (NoSuchFileException | InvalidInputException e) {
      return null;
    }
  }

  /**
   * Every worker with a readable heartbeat, without counting tasks: one listing of heartbeats/.
   * {@link WorkerView#alive()} is the one-shot estimate from the file system's clock; a
   * long-running observer judges liveness itself.
   */
  public static List<WorkerView> workers(SpoolLayout layout) throws IOException {
    long now = FileSystemClock.nowMillis(layout.tmp());
    List<WorkerView> out = new ArrayList<>();
    for (String worker : HeartbeatFiles.workers(layout)) {
      try {
        long mtime = FileSystemClock.mtimeMillis(layout.heartbeat(worker));
        Heartbeat hb = HeartbeatFiles.read(layout, worker);
        long age = Math.max(0, now - mtime);
        out.add(new WorkerView(hb, age, !hb.stopped() && age < DEAD_AFTER.toMillis()));
      } catch (NoSuchFileException | InvalidInputException e) {
        // Replaced between list and read, or unreadable: a heartbeat is rewritten every few
        // seconds, so the next look sees it.
      }
    }
    out.sort((a, b) -> a.heartbeat().workerId().compareTo(b.heartbeat().workerId()));
    return out;
  }
}
