package dev.spool.coordinator.liveness;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.spool.protocol.heartbeat.Heartbeat;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(10)
class WorkerLivenessTest {
  private final AtomicLong nanos = new AtomicLong(1_000_000_000L);
  private final WorkerLiveness liveness =
      new WorkerLiveness(Duration.ofSeconds(15), Duration.ofSeconds(1), nanos::get);
  private final Map<String, Heartbeat> beats = new HashMap<>();

  private void beat(String worker, long incarnation, long seq, boolean stopped) {
    // written_at is a wild host clock on purpose: liveness must never look at it.
    beats.put(
        worker,
        new Heartbeat(
            null,
            worker,
            incarnation,
            "h",
            1L,
            "1",
            null,
            seq,
            Instant.parse("1999-01-01T00:00:00Z"),
            null,
            null,
            null,
            null,
            null,
            null,
            stopped,
            null,
            null,
            null,
            null,
            null,
            null,
            null,
            null,
            null));
  }

  /** Advances the fake clock in steps of 500 ms (the loop interval), observing each step. */
  private Set<WorkerKey> runFor(Duration d, Set<WorkerKey> claims) {
    Set<WorkerKey> dead = Set.of();
    for (long t = 0; t < d.toMillis(); t += 500) {
      nanos.addAndGet(500_000_000L);
      dead = liveness.observe(beats, claims);
    }
    return dead;
  }

  @Test
  void aWorkerWhoseSeqStopsIsDeadAfterDeadAfterAndNotBefore() {
    WorkerKey w = new WorkerKey("w1", 1);
    beat("w1", 1, 7, false);
    assertEquals(Set.of(), liveness.observe(beats, Set.of(w)));
    assertEquals(Set.of(), runFor(Duration.ofMillis(14_500), Set.of(w)));
    assertEquals(Set.of(w), runFor(Duration.ofMillis(500), Set.of(w)));
  }

  @Test
  void aChangingSeqKeepsAWorkerAlive() {
    WorkerKey w = new WorkerKey("w1", 1);
    for (int i = 0; i < 100; i++) {
      beat("w1", 1, i, false);
      assertEquals(Set.of(), runFor(Duration.ofSeconds(2), Set.of(w)), "round " + i);
    }
  }

  @Test
  void theCoordinatorsOwnPauseRestartsEveryObservation() {
    WorkerKey w = new WorkerKey("w1", 1);
    beat("w1", 1, 7, false);
    liveness.observe(beats, Set.of(w));
    runFor(Duration.ofSeconds(10), Set.of(w));
    nanos.addAndGet(Duration.ofMinutes(5).toNanos()); // SIGSTOP of the coordinator
    assertEquals(Set.of(), liveness.observe(beats, Set.of(w)), "no death right after a pause");
    assertEquals(Set.of(), runFor(Duration.ofMillis(14_500), Set.of(w)));
    assertEquals(Set.of(w), runFor(Duration.ofMillis(500), Set.of(w)));
  }

  @Test
  void aRestartWithANewIncarnationAndLowerSeqIsAliveAndOrphansTheOldRun() {
    WorkerKey old = new WorkerKey("w1", 1);
    WorkerKey fresh = new WorkerKey("w1", 2);
    beat("w1", 1, 900, false);
    runFor(Duration.ofSeconds(5), Set.of(old));
    beat("w1", 2, 0, false);
    Set<WorkerKey> dead = Set.of();
    for (int i = 1; i <= 8; i++) {
      beat("w1", 2, i, false);
      dead = runFor(Duration.ofSeconds(2), Set.of(old, fresh));
    }
    assertEquals(Set.of(old), dead, "the old run's claims are orphaned; the new run lives");
  }

  @Test
  void aClaimWithNoHeartbeatAtAllIsDeadAfterDeadAfter() {
    WorkerKey w = new WorkerKey("ghost", 3);
    assertEquals(Set.of(), runFor(Duration.ofMillis(14_500), Set.of(w)));
    assertEquals(Set.of(w), runFor(Duration.ofMillis(1000), Set.of(w)));
  }

  @Test
  void aStoppedWorkerWithoutClaimsIsGoneNotDead() {
    beat("w1", 1, 7, true);
    assertEquals(Set.of(), runFor(Duration.ofMinutes(1), Set.of()));
    WorkerKey w = new WorkerKey("w1", 1);
    assertEquals(Set.of(w), runFor(Duration.ofSeconds(16), Set.of(w)), "unless it left claims");
  }

  @Test
  void theNextDeadlineIsDeadAfterPastTheLastChangeSeenAndOnlyWhileAhead() {
    WorkerKey w = new WorkerKey("w1", 1);
    beat("w1", 1, 3, false);
    long seenAt = nanos.get();
    liveness.observe(beats, Set.of(w));
    long deadline = seenAt + Duration.ofSeconds(15).toNanos();
    assertEquals(deadline, liveness.nextDeadline(nanos.get()));
    assertEquals(Set.of(w), runFor(Duration.ofSeconds(15), Set.of(w)), "dead at the deadline");
    assertEquals(deadline, nanos.get());
    assertEquals(Long.MAX_VALUE, liveness.nextDeadline(nanos.get()), "a passed one is no deadline");
  }
}
