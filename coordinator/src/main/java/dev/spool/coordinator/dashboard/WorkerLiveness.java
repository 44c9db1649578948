package dev.spool.coordinator.dashboard;

import dev.spool.coordinator.view.WorkerView;
import dev.spool.protocol.heartbeat.Heartbeat;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.LongSupplier;

/**
 * Liveness of workers as a long-running observer judges it: a worker is alive while its heartbeat's
 * {@code seq} keeps changing, measured on this process's own monotonic clock (no two hosts' clocks
 * are compared). A worker first seen gets the file system's one-shot age estimate as its starting
 * point, so a heartbeat left by a worker that died long ago is not shown alive for {@code
 * deadAfter} after the dashboard starts. Thread-safe.
 */
final class WorkerLiveness {
  /** A worker as shown: its last heartbeat, whether it is alive, and its age on our clock. */
  record Seen(Heartbeat heartbeat, boolean alive, Duration heartbeatAge) {}

  private record Track(long seq, long changedNanos) {}

  private final Duration deadAfter;
  private final LongSupplier nanos;
  private final Map<String, Track> tracks = new HashMap<>();
  private volatile List<Seen> workers = List.of();

  WorkerLiveness(Duration deadAfter, LongSupplier nanos) {
    this.deadAfter = deadAfter;
    this.nanos = nanos;
  }

  /** Takes the heartbeats just read; returns and keeps the workers as now judged. */
  synchronized List<Seen> observe(List<WorkerView> views) {
    long now = nanos.getAsLong();
    Map<String, Track> next = new HashMap<>();
    List<Seen> out = new ArrayList<>();
    for (WorkerView v : views) {
      Heartbeat hb = v.heartbeat();
      Track t = tracks.get(hb.workerId());
      if (t == null) {
        t = new Track(hb.seq(), now - v.heartbeatAgeMillis() * 1_000_000L);
      } else if (t.seq() != hb.seq()) {
        t = new Track(hb.seq(), now);
      }
      next.put(hb.workerId(), t);
      Duration age = Duration.ofNanos(Math.max(0, now - t.changedNanos()));
      boolean alive = !hb.stopped() && age.compareTo(deadAfter) < 0;
      out.add(new Seen(hb, alive, age));
    }
    tracks.clear();
    tracks.putAll(next);
    workers = List.copyOf(out);
    return workers;
  }

  List<Seen> workers() {
    return workers;
  }
}
