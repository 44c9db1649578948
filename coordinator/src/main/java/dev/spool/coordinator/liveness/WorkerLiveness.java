package dev.spool.coordinator.liveness;

import dev.spool.protocol.heartbeat.Heartbeat;
import java.time.Duration;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Decides which worker runs are dead, using only the observer's monotonic clock: a run (worker and
 * incarnation) is dead when what the coordinator sees of it (its heartbeat {@code seq}, or the
 * absence of a heartbeat for a run that still holds claims) has not changed for {@code deadAfter}
 * of this coordinator's ticker. Timestamps written by other hosts are never compared.
 *
 * <p>If the gap between two of this coordinator's own observations exceeds {@code pauseThreshold}
 * (the coordinator was paused: GC, SIGSTOP, a suspended VM), every observation restarts, so nobody
 * is declared dead before a full {@code deadAfter} of observation after the pause.
 *
 * <p>A heartbeat with {@code stopped=true} whose run holds no claims is a worker that shut down: it
 * is gone, not dead. A restarted worker writes a new incarnation; its old run, if it still holds
 * claims, is watched under its own key and found dead after {@code deadAfter}.
 *
 * <p>Memory is bounded by the runs that have a heartbeat file or a claim. Not thread-safe: one
 * coordinator loop calls it.
 */
public final class WorkerLiveness {
  private static final Logger log = LoggerFactory.getLogger(WorkerLiveness.class);
  private static final long ABSENT = -1;

  private final long deadAfterNanos;
  private final long pauseNanos;
  private final LongSupplier ticker;
  private final Map<WorkerKey, Observation> seen = new HashMap<>();
  private long lastTick;
  private boolean ticked;

  private record Observation(long seq, long sinceNanos) {}

  public WorkerLiveness(Duration deadAfter, Duration pauseThreshold, LongSupplier nanoTicker) {
    if (deadAfter.isNegative() || deadAfter.isZero()) {
      throw new IllegalArgumentException("dead_after must be positive: " + deadAfter);
    }
    this.deadAfterNanos = deadAfter.toNanos();
    this.pauseNanos = pauseThreshold.toNanos();
    this.ticker = nanoTicker;
  }

  /**
   * One observation round.
   *
   * @param heartbeats the heartbeats read this round, by worker id
   * @param claimOwners the runs named by the claims in claimed/ this round
   * @return the runs that are dead now (reported again each round until their claims are gone)
   */
  public Set<WorkerKey> observe(Map<String, Heartbeat> heartbeats, Set<WorkerKey> claimOwners) {
    long now = ticker.getAsLong();
    if (ticked && now - lastTick > pauseNanos) {
      log.warn(
          "coordinator_pause_detected gap_ms={} consequence=liveness observations restart;"
              + " no worker is declared dead for the next {} ms",
          (now - lastTick) / 1_000_000,
          deadAfterNanos / 1_000_000);
      seen.replaceAll((k, o) -> new Observation(o.seq(), now));
    }
    lastTick = now;
    ticked = true;
    Map<WorkerKey, Long> current = new HashMap<>();
    Set<WorkerKey> gone = new HashSet<>();
    for (Heartbeat hb : heartbeats.values()) {
      WorkerKey key = new WorkerKey(hb.workerId(), hb.incarnation());
      current.put(key, hb.seq());
      if (hb.stopped() && !claimOwners.contains(key)) {
        gone.add(key);
      }
    }
    for (WorkerKey key : claimOwners) {
      current.putIfAbsent(key, ABSENT);
    }
    seen.keySet().retainAll(current.keySet());
    Set<WorkerKey> dead = new HashSet<>();
    for (Map.Entry<WorkerKey, Long> e : current.entrySet()) {
      Observation prev = seen.get(e.getKey());
      if (prev == null || prev.seq() != e.getValue()) {
        seen.put(e.getKey(), new Observation(e.getValue(), now));
      } else if (now - prev.sinceNanos() >= deadAfterNanos && !gone.contains(e.getKey())) {
        dead.add(e.getKey());
      }
    }
    return dead;
  }

  /**
   * The earliest moment (on the ticker) a run watched now would be dead if nothing it writes
   * changes, if that moment is after {@code nowNanos}; {@link Long#MAX_VALUE} otherwise. A
   * coordinator that paces its passes wakes then, so a silent worker is found dead {@code
   * deadAfter} after the last change this coordinator saw, not one idle pause later.
   */
  public long nextDeadline(long nowNanos) {
    long next = Long.MAX_VALUE;
    for (Observation o : seen.values()) {
      long at = o.sinceNanos() + deadAfterNanos;
      if (at - nowNanos > 0 && at < next) {
        next = at;
      }
    }
    return next;
  }
}
