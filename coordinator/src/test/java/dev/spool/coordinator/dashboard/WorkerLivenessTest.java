package dev.spool.coordinator.dashboard;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.spool.coordinator.view.WorkerView;
import dev.spool.protocol.heartbeat.Heartbeat;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(10)
class WorkerLivenessTest {
  final AtomicLong nanos = new AtomicLong(1_000_000_000L);
  final WorkerLiveness liveness = new WorkerLiveness(Duration.ofSeconds(15), nanos::get);

  static WorkerView hb(long seq, long fsAgeMillis) {
    // written_at lies far in the future: liveness never reads it.
    Instant skewed = Instant.parse("2099-01-01T00:00:00Z");
    Heartbeat h =
        new Heartbeat(
            null, "w1", 1L, "vm", 1L, "0.1.0", skewed, seq, skewed, 1, 2, List.of(), List.of(),
            List.of(), false, false, null, null, null, List.of(), null, null, null, null, null);
    return new WorkerView(h, fsAgeMillis, true);
  }

  @Test
  void aliveWhileTheSequenceChangesOnOurClockDeadWhenItStops() {
    assertTrue(liveness.observe(List.of(hb(1, 0))).get(0).alive());
    nanos.addAndGet(Duration.ofSeconds(10).toNanos());
    assertTrue(liveness.observe(List.of(hb(2, 0))).get(0).alive());
    nanos.addAndGet(Duration.ofSeconds(14).toNanos());
    WorkerLiveness.Seen still = liveness.observe(List.of(hb(2, 0))).get(0);
    assertTrue(still.alive());
    assertEquals(Duration.ofSeconds(14), still.heartbeatAge());
    nanos.addAndGet(Duration.ofSeconds(2).toNanos());
    assertFalse(liveness.observe(List.of(hb(2, 0))).get(0).alive());
    assertTrue(liveness.observe(List.of(hb(3, 0))).get(0).alive(), "back when seq moves");
  }

  @Test
  void aHeartbeatLeftLongAgoIsNotShownAliveAtFirstSight() {
    assertFalse(liveness.observe(List.of(hb(9, 60_000))).get(0).alive());
  }
}
