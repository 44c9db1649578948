package dev.spool.coordinator;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.spool.coordinator.lease.LeaseConfig;
import dev.spool.protocol.result.Outcome;
import dev.spool.protocol.spool.TaskName;
import dev.spool.protocol.spool.TaskState;
import dev.spool.protocol.task.Task;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The loop's pacing on a real spool with fake time: each pass is followed by the pause the loop
 * would wait ({@link Coordinator#nextPauseNanos}), taken by moving the fake clocks. No sleeps.
 */
@Timeout(60)
class CoordinatorPacingTest {
  private static final Duration BASE = Duration.ofMillis(250);
  private static final Duration IDLE = Duration.ofSeconds(2);
  private static final Duration DEAD_AFTER = Duration.ofSeconds(15);

  @TempDir Path root;

  private SpoolFixture f;

  /** The default timings: 250 ms base, 2 s idle, lease 10 s renewed every 2 s. */
  private Coordinator coordinator() {
    CoordinatorConfig fixture = f.config("c1");
    LeaseConfig lease =
        new LeaseConfig(
            "c1",
            "test-host",
            1,
            Duration.ofSeconds(10),
            LeaseConfig.renewEvery(Duration.ofSeconds(10)),
            LeaseConfig.pauseThreshold(BASE, IDLE));
    CoordinatorConfig config =
        new CoordinatorConfig(
                BASE,
                DEAD_AFTER,
                lease,
                fixture.timeoutGrace(),
                List.of(),
                fixture.jitter(),
                null,
                IDLE)
            .withIdleInterval(IDLE);
    return new Coordinator(f.layout, config, f.time, f.time::nanoTime);
  }

  /** One pass and the pause after it; returns the pause. */
  private Duration pacedPass(Coordinator c) throws Exception {
    long pause = c.nextPauseNanos(c.tickAndReport());
    f.time.advance(Duration.ofNanos(pause));
    return Duration.ofNanos(pause);
  }

  /** Paced passes until {@code done}; returns the pauses taken. */
  private List<Duration> runUntil(Coordinator c, BooleanSupplier done, Duration limit)
      throws Exception {
    List<Duration> pauses = new ArrayList<>();
    long start = f.time.nanoTime();
    while (!done.getAsBoolean()) {
      assertTrue(f.time.nanoTime() - start < limit.toNanos(), "not done within " + limit);
      pauses.add(pacedPass(c));
    }
    return pauses;
  }

  private static Task task(String id) {
    return Task.builder(id).createdAt(SpoolFixture.T0).argv(List.of("true")).maxLost(1).build();
  }

  @Test
  void anIdleSpoolBacksOffToTheIdleIntervalAndAChangeSnapsBack() throws Exception {
    f = new SpoolFixture(root);
    f.submit(task("t"));
    TaskName.Claimed claim = f.claim("t", "w1", 1);
    f.heartbeat("w1", 1, 1);
    try (Coordinator c = coordinator()) {
      List<Duration> pauses = new ArrayList<>();
      for (int i = 0; i < 6; i++) {
        f.heartbeat("w1", 1, 2 + i); // a live worker's beats are no change to act on
        pauses.add(pacedPass(c));
      }
      // 250 ms after the first pass (everything is new), then doubling; the fourth pause ends at
      // the lease renewal due 2 s after the first pass; from then on the idle interval.
      assertEquals(
          List.of(BASE, BASE.multipliedBy(2), BASE.multipliedBy(4), BASE, IDLE, IDLE), pauses);

      f.finish(claim, new Outcome.Failed(1, null));
      assertEquals(BASE, pacedPass(c), "the pass that retried the failed task");
      assertEquals(TaskState.SCHEDULED, f.names(TaskState.SCHEDULED).get(0).state());
    }
  }

  @Test
  void aSilentWorkerIsFoundDeadAtDeadAfterNotAnIdlePauseLater() throws Exception {
    f = new SpoolFixture(root);
    f.submit(task("t"));
    f.claim("t", "w1", 1);
    f.heartbeat("w1", 1, 1);
    try (Coordinator c = coordinator()) {
      pacedPass(c); // the last change the coordinator sees
      long lastChangeSeen = f.time.nanoTime() - BASE.toNanos();
      List<Duration> pauses =
          runUntil(c, () -> f.find(TaskState.PENDING, "t").isPresent(), Duration.ofMinutes(1));
      long found = f.time.nanoTime() - pauses.get(pauses.size() - 1).toNanos();
      long silence = found - lastChangeSeen;
      assertTrue(pauses.contains(IDLE), "backed off while waiting: " + pauses);
      assertTrue(silence >= DEAD_AFTER.toNanos(), "not before dead_after: " + silence);
      assertTrue(
          silence <= DEAD_AFTER.plus(BASE).toNanos(),
          "within dead_after plus one base interval: " + Duration.ofNanos(silence));
    }
  }

  @Test
  void aScheduledRetryIsPromotedAtItsDueTimeWhileIdle() throws Exception {
    f = new SpoolFixture(root);
    long due = SpoolFixture.T0.toEpochMilli() + 7_300;
    f.publish(new TaskName.Scheduled(due, 500, "s", 2), task("s"));
    try (Coordinator c = coordinator()) {
      List<Duration> pauses =
          runUntil(c, () -> f.find(TaskState.PENDING, "s").isPresent(), Duration.ofSeconds(30));
      long promotedAt = f.time.millis() - pauses.get(pauses.size() - 1).toMillis();
      assertTrue(pauses.contains(IDLE), "backed off while waiting: " + pauses);
      assertTrue(promotedAt >= due, "not before its due time");
      assertTrue(
          promotedAt <= due + BASE.toMillis(),
          "within one base interval of its due time: " + (promotedAt - due) + " ms late");
    }
  }

  @Test
  void theLeaseIsRenewedOnTimeWhileIdle() throws Exception {
    f = new SpoolFixture(root);
    try (Coordinator c = coordinator()) {
      Duration renewEvery = LeaseConfig.renewEvery(Duration.ofSeconds(10));
      for (int i = 0; i < 20; i++) {
        Duration pause = pacedPass(c);
        assertTrue(pause.compareTo(renewEvery) <= 0, "pause " + pause + " past a renewal");
      }
      assertTrue(c.isActive());
    }
  }
}
