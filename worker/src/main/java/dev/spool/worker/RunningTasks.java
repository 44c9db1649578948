package dev.spool.worker;

import dev.spool.protocol.heartbeat.RunningTask;
import dev.spool.protocol.spool.TaskName;
import dev.spool.worker.exec.ProcessRun;
import dev.spool.worker.exec.StopReason;
import dev.spool.worker.heartbeat.HeartbeatWriter;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.BooleanSupplier;

/** The attempts this worker runs now, for heartbeats, cancels and shutdown. Thread-safe. */
final class RunningTasks {
  /** One running attempt; {@code run} is null until its process is being set up. */
  static final class Running {
    final TaskName.Claimed claim;
    final int priority;
    final Instant startedAt;
    private volatile ProcessRun run;
    private volatile StopReason stop;

    Running(TaskName.Claimed claim, int priority, Instant startedAt) {
      this.claim = claim;
      this.priority = priority;
      this.startedAt = startedAt;
    }

    ProcessRun run() {
      return run;
    }

    /** Attaches the process run; a stop requested before it existed is passed on now. */
    void attach(ProcessRun r) {
      run = r;
      StopReason s = stop;
      if (s != null) {
        r.requestStop(s);
      }
    }

    /** Asks the attempt to stop, whether or not its process has started yet. */
    void requestStop(StopReason reason) {
      if (stop == null) {
        stop = reason;
      }
      ProcessRun r = run;
      if (r != null) {
        r.requestStop(reason);
      }
    }
  }

  private final Map<String, Running> byTask = new ConcurrentHashMap<>();

  void add(Running r) {
    byTask.put(r.claim.id(), r);
  }

  void remove(Running r) {
    byTask.remove(r.claim.id(), r);
  }

  int size() {
    return byTask.size();
  }

  /** Running attempts of tasks with a priority below {@code priority}. */
  int countBelow(int priority) {
    int n = 0;
    for (Running r : byTask.values()) {
      if (r.priority < priority) {
        n++;
      }
    }
    return n;
  }

  Collection<Running> all() {
    return byTask.values();
  }

  List<RunningTask> progress() {
    List<RunningTask> out = new ArrayList<>();
    for (Running r : byTask.values()) {
      ProcessRun run = r.run();
      out.add(
          new RunningTask(
              r.claim.id(),
              r.claim.attempt(),
              r.startedAt,
              run == null ? 0L : run.outputBytes(),
              run == null ? null : run.lastOutputAt()));
    }
    return out;
  }

  /** What heartbeats report about this worker's work. */
  HeartbeatWriter.Source heartbeatSource(
      BooleanSupplier draining,
      java.util.function.Supplier<List<String>> lanes,
      ClaimCounts claims) {
    return new HeartbeatWriter.Source() {
      @Override
      public long claimsTotal() {
        return claims.attempts();
      }

      @Override
      public long claimsLostTotal() {
        return claims.lost();
      }

      @Override
      public List<String> lanes() {
        return lanes.get();
      }

      @Override
      public int slotsUsed() {
        return size();
      }

      @Override
      public List<RunningTask> running() {
        return progress();
      }

      @Override
      public boolean draining() {
        return draining.getAsBoolean();
      }

      @Override
      public Long tasksRssBytes() {
        return rssBytes();
      }
    };
  }

  /** Resident memory of the running processes (Linux /proc), or null elsewhere. */
  Long rssBytes() {
    if (!Files.isDirectory(Path.of("/proc/self"))) {
      return null;
    }
    long total = 0;
    for (Running r : byTask.values()) {
      ProcessRun run = r.run();
      if (run == null) {
        continue;
      }
      for (long pid : run.pids()) {
        total += rss(pid);
      }
    }
    return total;
  }

  private static long rss(long pid) {
    try {
      String[] f =
          Files.readString(Path.of("/proc", Long.toString(pid), "statm")).trim().split(" ");
      return Long.parseLong(f[1]) * 4096L;
    } catch (IOException | RuntimeException e) {
      return 0; // the process exited between listing and reading
    }
  }
}
