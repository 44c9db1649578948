package dev.spool.coordinator.dashboard;

import dev.spool.coordinator.view.LaneRow;
import dev.spool.protocol.result.AttemptResult;
import dev.spool.protocol.spool.TaskState;
import io.prometheus.metrics.core.metrics.Counter;
import io.prometheus.metrics.core.metrics.GaugeWithCallback;
import io.prometheus.metrics.core.metrics.Histogram;
import io.prometheus.metrics.expositionformats.PrometheusTextFormatWriter;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.io.IOException;
import java.io.OutputStream;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;

/**
 * Spool's Prometheus metrics (names in README.md, section "Metrics"), on a registry of its own so
 * two dashboards in one JVM (tests) never share state. Gauges are read from a {@link Source} at
 * scrape time; the counter and histograms are fed with each new attempt result. Thread-safe.
 */
final class SpoolMetrics {
  static final double[] SECONDS_BUCKETS = {
    0.1, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300, 600, 1800, 3600, 7200, 21600, 86400
  };

  /** What the gauges show, read at each scrape. */
  interface Source {
    Map<TaskState, Long> counts();

    long liveWorkers();

    long busySlots();

    long totalSlots();

    /** Age of the oldest pending task in milliseconds, if any task is pending. */
    OptionalLong oldestPendingAgeMillis();

    /** Every lane account as last read from the spool's lane state. */
    List<LaneRow> lanes();

    /** Now, on the wall clock that cooldown ends are compared with. */
    Instant now();
  }

  private final PrometheusRegistry registry = new PrometheusRegistry();
  private final Counter attempts;
  private final Histogram queueWait;
  private final Histogram runTime;

  /**
   * @param withAttempts false for a one-shot textfile, which has no start to count from
   */
  SpoolMetrics(Source source, boolean withAttempts) {
    GaugeWithCallback.builder()
        .name("spool_tasks")
        .help("Tasks in each state directory of the spool.")
        .labelNames("state")
        .callback(
            cb -> {
              Map<TaskState, Long> counts = source.counts();
              for (TaskState s : TaskState.values()) {
                cb.call(counts.getOrDefault(s, 0L), s.code());
              }
            })
        .register(registry);
    GaugeWithCallback.builder()
        .name("spool_workers_live")
        .help("Workers whose heartbeat sequence changed within the dead-after window.")
        .callback(cb -> cb.call(source.liveWorkers()))
        .register(registry);
    GaugeWithCallback.builder()
        .name("spool_worker_slots_busy")
        .help("Slots running a task, summed over live workers.")
        .callback(cb -> cb.call(source.busySlots()))
        .register(registry);
    GaugeWithCallback.builder()
        .name("spool_worker_slots")
        .help("Slots, summed over live workers.")
        .callback(cb -> cb.call(source.totalSlots()))
        .register(registry);
    GaugeWithCallback.builder()
        .name("spool_oldest_pending_age_seconds")
        .help("Age of the oldest pending task (0 when none is pending).")
        .callback(cb -> cb.call(source.oldestPendingAgeMillis().orElse(0) / 1000.0))
        .register(registry);
    lanes(source);
    if (!withAttempts) {
      attempts = null;
      queueWait = null;
      runTime = null;
      return;
    }
    attempts =
        Counter.builder()
            .name("spool_attempts_total")
            .help("Attempts that ended since this process started, by outcome, task type and lane.")
            .labelNames("outcome", "type", "lane")
            .register(registry);
    queueWait =
        Histogram.builder()
            .name("spool_queue_wait_seconds")
            .help("From a task's created_at to the start of an attempt, by task type.")
            .labelNames("type")
            .classicOnly()
            .classicUpperBounds(SECONDS_BUCKETS)
            .register(registry);
    runTime =
        Histogram.builder()
            .name("spool_attempt_duration_seconds")
            .help("Run time of attempts that ended, by task type.")
            .labelNames("type")
            .classicOnly()
            .classicUpperBounds(SECONDS_BUCKETS)
            .register(registry);
  }

  private void lanes(Source source) {
    GaugeWithCallback.builder()
        .name("spool_lane_cooldown_seconds")
        .help("Seconds until a lane account's cooldown ends (0 when it is not cooling down).")
        .labelNames("lane", "account")
        .callback(
            cb -> {
              Instant now = source.now();
              for (LaneRow r : source.lanes()) {
                double left =
                    r.until() == null
                        ? 0
                        : Math.max(0, r.until().toEpochMilli() - now.toEpochMilli());
                cb.call(left / 1000.0, r.lane(), r.account());
              }
            })
        .register(registry);
    GaugeWithCallback.builder()
        .name("spool_lane_disabled")
        .help("1 when a lane account is disabled until an operator clears it, else 0.")
        .labelNames("lane", "account")
        .callback(
            cb -> {
              for (LaneRow r : source.lanes()) {
                cb.call(LaneRow.DISABLED.equals(r.state()) ? 1 : 0, r.lane(), r.account());
              }
            })
        .register(registry);
    GaugeWithCallback.builder()
        .name("spool_lane_in_use")
        .help("Attempts running on a lane account now.")
        .labelNames("lane", "account")
        .callback(
            cb -> {
              for (LaneRow r : source.lanes()) {
                cb.call(r.inUse(), r.lane(), r.account());
              }
            })
        .register(registry);
    GaugeWithCallback.builder()
        .name("spool_lane_quota_used")
        .help("Requests a lane account used in the current window of each quota.")
        .labelNames("lane", "account", "quota")
        .callback(
            cb -> {
              for (LaneRow r : source.lanes()) {
                r.quotas().forEach(q -> cb.call(q.used(), r.lane(), r.account(), q.name()));
              }
            })
        .register(registry);
    GaugeWithCallback.builder()
        .name("spool_lane_quota_limit")
        .help("Requests a lane account may make in one window of each quota.")
        .labelNames("lane", "account", "quota")
        .callback(
            cb -> {
              for (LaneRow r : source.lanes()) {
                r.quotas().forEach(q -> cb.call(q.limit(), r.lane(), r.account(), q.name()));
              }
            })
        .register(registry);
  }

  /** Counts one attempt that ended; {@code type} and {@code lane} may be null. */
  void attempt(AttemptResult r, String type, String lane, long createdMillis) {
    if (attempts == null) {
      return;
    }
    String t = type == null ? "" : type;
    String l = r.lane() != null ? r.lane() : (lane == null ? "" : lane);
    attempts.labelValues(r.outcome().kind().code(), t, l).inc();
    if (r.duration() != null) {
      runTime.labelValues(t).observe(r.duration().toMillis() / 1000.0);
    }
    if (r.startedAt() != null && createdMillis >= 0) {
      long waited = r.startedAt().toEpochMilli() - createdMillis;
      // Two hosts' clocks stamp the two ends; a negative wait is clock skew, not a wait.
      queueWait.labelValues(t).observe(Math.max(0, waited) / 1000.0);
    }
  }

  /** Writes every metric in the Prometheus text format 0.0.4. */
  void write(OutputStream out) throws IOException {
    PrometheusTextFormatWriter.create().write(out, registry.scrape());
  }

  static String contentType() {
    return PrometheusTextFormatWriter.CONTENT_TYPE;
  }
}
