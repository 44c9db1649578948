package dev.spool.worker.lane;

import java.io.File;
import java.io.IOException;
import java.util.Collection;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Health checks of lanes that declare one ({@code health_check: {argv, every, timeout}}): the
 * command runs (no shell, stdin at EOF, output discarded) when the worker starts and then every
 * {@code every} seconds; exit 0 within {@code timeout} is healthy. A lane with a check is not
 * chosen until its first check passed, nor while its last check failed; a lane without a check is
 * always healthy. Checks run on their own daemon thread so a hanging check never stalls claiming.
 * Thread-safe.
 */
final class LaneHealth {
  private static final Logger log = LoggerFactory.getLogger(LaneHealth.class);
  private static final long IDLE_NANOS = 200_000_000L;

  private final Collection<Lane> lanes;
  private final LongSupplier nanos;
  private final Map<String, Boolean> healthy = new HashMap<>();
  private final Map<String, Long> due = new HashMap<>();
  private volatile boolean stopped;

  LaneHealth(Collection<Lane> lanes, LongSupplier nanos) {
    this.lanes = lanes;
    this.nanos = nanos;
  }

  /** True when the lane may be chosen. */
  synchronized boolean healthy(Lane lane) {
    return lane.healthCheck() == null || healthy.getOrDefault(lane.name(), false);
  }

  /** Starts the checking thread, if any lane has a check. */
  void start(String worker) {
    if (lanes.stream().noneMatch(l -> l.healthCheck() != null)) {
      return;
    }
    Thread t = new Thread(this::loop, "spool-health-" + worker);
    t.setDaemon(true);
    t.start();
  }

  void stop() {
    stopped = true;
  }

  private void loop() {
    while (!stopped) {
      try {
        for (Lane l : lanes) {
          Lane.HealthCheck h = l.healthCheck();
          long now = nanos.getAsLong();
          if (h != null && now - due.getOrDefault(l.name(), now) >= 0) {
            due.put(l.name(), now + h.every().toNanos());
            record(l, check(h));
          }
        }
        TimeUnit.NANOSECONDS.sleep(IDLE_NANOS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      } catch (RuntimeException e) {
        log.error("lane_health_failed consequence=checks retried in 200 ms", e);
      }
    }
  }

  private synchronized void record(Lane l, boolean ok) {
    Boolean was = healthy.put(l.name(), ok);
    if (was == null || was != ok) {
      log.info("lane_health lane={} healthy={}", l.name(), ok);
    }
  }

  static boolean check(Lane.HealthCheck h) throws InterruptedException {
    ProcessBuilder pb = new ProcessBuilder(h.argv());
    pb.redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")));
    pb.redirectOutput(ProcessBuilder.Redirect.DISCARD);
    pb.redirectError(ProcessBuilder.Redirect.DISCARD);
    Process p;
    try {
      p = pb.start();
    } catch (IOException e) {
      log.warn("lane_health_not_started argv0={} reason={}", h.argv().get(0), e.getMessage());
      return false;
    }
    if (!p.waitFor(h.timeout().toMillis(), TimeUnit.MILLISECONDS)) {
      p.descendants().forEach(ProcessHandle::destroyForcibly);
      p.destroyForcibly();
      return false;
    }
    return p.exitValue() == 0;
  }
}
