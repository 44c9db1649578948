package dev.spool.coordinator.dashboard;

import dev.spool.coordinator.view.LaneRow;
import dev.spool.coordinator.view.LaneRows;
import dev.spool.coordinator.view.SpoolSnapshot;
import dev.spool.protocol.fs.AtomicFiles;
import dev.spool.protocol.fs.FileOps;
import dev.spool.protocol.result.AttemptResult;
import dev.spool.protocol.spool.SpoolLayout;
import dev.spool.protocol.spool.TaskState;
import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What the dashboard knows of the spool: the task index (kept by watching and rescanning), workers
 * judged on this process's clock, activity per minute and the metrics. Heartbeats and the oldest
 * pending task are sampled every {@code sampleEvery} off the request path, so no page view lists a
 * directory. Thread-safe.
 */
final class SpoolObserver implements AutoCloseable, SpoolMetrics.Source {
  private static final Logger log = LoggerFactory.getLogger(SpoolObserver.class);

  private final SpoolLayout layout;
  private final Clock clock;
  private final TaskIndex index = new TaskIndex();
  private final WorkerLiveness liveness;
  private final Activity activity;
  private final SpoolMetrics metrics;
  private final IndexMaintainer maintainer;
  private final SpoolWatch watch;
  private final ScheduledExecutorService sampler = Daemons.scheduled("spool-dashboard-sample");
  private final AtomicFiles files;
  private final TaskHistory history;
  private volatile long oldestPendingEnqueued = -1;
  private volatile List<LaneRow> lanes = List.of();

  SpoolObserver(SpoolLayout layout, Clock clock, LongSupplier nanos, Duration deadAfter) {
    this.layout = layout;
    this.clock = clock;
    this.files = new AtomicFiles(FileOps.real(), layout.tmp(), true);
    this.history = new TaskHistory(layout.wal());
    this.liveness = new WorkerLiveness(deadAfter, nanos);
    this.activity = new Activity(nanos);
    this.metrics = new SpoolMetrics(this, true);
    this.maintainer = new IndexMaintainer(layout, index, this::attempt);
    this.watch = new SpoolWatch(layout, maintainer);
  }

  /**
   * Indexes the spool (waiting at most {@code firstScanWithin}), then keeps it current.
   *
   * @throws IOException if the first scan failed or took too long; the caller closes this
   */
  void start(Duration rescanEvery, Duration sampleEvery, Duration firstScanWithin)
      throws IOException {
    // Watch before listing: a file that moves during the first scan is seen by one or the other.
    watch.start();
    maintainer.start(rescanEvery, firstScanWithin);
    sample();
    long every = Math.max(1, sampleEvery.toMillis());
    sampler.scheduleWithFixedDelay(this::sampleGuarded, every, every, TimeUnit.MILLISECONDS);
  }

  private void attempt(TaskIndex.Info task, AttemptResult r) {
    activity.record(r);
    metrics.attempt(r, task.type, task.lane, task.createdMillis);
  }

  private void sampleGuarded() {
    try {
      sample();
    } catch (Throwable t) {
      log.warn(
          "sample_failed consequence=workers and oldest pending shown as of the last sample", t);
    }
  }

  /**
   * Reads heartbeats, the lane state and what the WAL gained, and finds the oldest pending task;
   * also called by tests to sample now. Each source is read even when another one fails.
   */
  void sample() throws IOException {
    oldestPendingEnqueued = index.oldestPendingEnqueued();
    try {
      history.refresh();
    } finally {
      try {
        lanes = LaneRows.read(layout, files, clock.instant());
      } finally {
        liveness.observe(SpoolSnapshot.workers(layout));
      }
    }
  }

  TaskHistory history() {
    return history;
  }

  @Override
  public List<LaneRow> lanes() {
    return lanes;
  }

  @Override
  public Instant now() {
    return clock.instant();
  }

  IndexMaintainer maintainer() {
    return maintainer;
  }

  TaskIndex index() {
    return index;
  }

  SpoolLayout layout() {
    return layout;
  }

  Activity activity() {
    return activity;
  }

  SpoolMetrics metrics() {
    return metrics;
  }

  List<WorkerLiveness.Seen> workers() {
    return liveness.workers();
  }

  @Override
  public Map<TaskState, Long> counts() {
    return index.counts();
  }

  @Override
  public long liveWorkers() {
    return workers().stream().filter(WorkerLiveness.Seen::alive).count();
  }

  @Override
  public long busySlots() {
    return workers().stream()
        .filter(WorkerLiveness.Seen::alive)
        .mapToLong(w -> w.heartbeat().slotsUsed())
        .sum();
  }

  @Override
  public long totalSlots() {
    return workers().stream()
        .filter(WorkerLiveness.Seen::alive)
        .mapToLong(w -> w.heartbeat().slotsTotal())
        .sum();
  }

  /**
   * Age of the oldest pending task: this host's wall clock minus the enqueue time in the task's
   * name (stamped by the submitting host's clock; skew shows here and is clamped at zero).
   */
  @Override
  public OptionalLong oldestPendingAgeMillis() {
    long e = oldestPendingEnqueued;
    return e < 0 || index.count(TaskState.PENDING) == 0
        ? OptionalLong.empty()
        : OptionalLong.of(Math.max(0, clock.millis() - e));
  }

  @Override
  public void close() {
    sampler.shutdownNow();
    watch.close();
    maintainer.close();
  }
}
