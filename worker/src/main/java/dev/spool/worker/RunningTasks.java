package dev.spool.worker;

import dev.spool.protocol.heartbeat.RunningTask;
import dev.spool.protocol.spool.TaskName;
import dev.spool.worker.exec.ProcessRun;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/** The attempts this worker runs now, for heartbeats, cancels and shutdown. Thread-safe. */
final class RunningTasks {
  /** One running attempt; {@code run} is null until its process is being set up. */
  static final class Running {
    final TaskName.Claimed claim;
    final Instant startedAt;
    volatile ProcessRun run;

    Running(TaskName.Claimed claim, Instant startedAt) {
      this.claim = claim;
      this.startedAt = startedAt;
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

  Collection<Running> all() {
    return byTask.values();
  }

  List<RunningTask> progress() {
    List<RunningTask> out = new ArrayList<>();
    for (Running r : byTask.values()) {
      ProcessRun run = r.run;
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

  /** Resident memory of the running processes (Linux /proc), or null elsewhere. */
  Long rssBytes() {
    if (!Files.isDirectory(Path.of("/proc/self"))) {
      return null;
    }
    long total = 0;
    for (Running r : byTask.values()) {
      ProcessRun run = r.run;
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
