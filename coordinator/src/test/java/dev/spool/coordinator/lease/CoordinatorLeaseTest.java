package dev.spool.coordinator.lease;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.spool.coordinator.lease.CoordinatorLease.Role;
import dev.spool.protocol.fs.AtomicFiles;
import dev.spool.protocol.fs.FileOps;
import dev.spool.protocol.spool.SpoolLayout;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** Two coordinators on one spool, each with its own fake monotonic clock. */
@Timeout(30)
class CoordinatorLeaseTest {
  private static final Instant T0 = Instant.parse("2026-11-21T10:00:00Z");

  @TempDir Path root;
  private SpoolLayout layout;
  private AtomicFiles files;
  private final AtomicLong ticksA = new AtomicLong(1_000_000_000L);
  private final AtomicLong ticksB = new AtomicLong(9_000_000_000_000L);

  @BeforeEach
  void spool() throws Exception {
    layout = SpoolLayout.create(root, T0);
    files = new AtomicFiles(FileOps.real(), layout.tmp(), true);
  }

  private CoordinatorLease lease(String owner, AtomicLong ticks) {
    LeaseConfig c =
        new LeaseConfig(
            owner, "h", 1, Duration.ofSeconds(10), Duration.ofSeconds(1), Duration.ofSeconds(2));
    // A wildly wrong wall clock on purpose: the lease must never compare it.
    Clock wall = Clock.fixed(T0.minus(Duration.ofDays(400)), ZoneOffset.UTC);
    return new CoordinatorLease(layout, files, c, ticks::get, wall);
  }

  /** Both tick every 500 ms of their own clocks for {@code d}; B ticks only if {@code bTicks}. */
  private static void run(
      CoordinatorLease a, AtomicLong ta, CoordinatorLease b, AtomicLong tb, Duration d)
      throws Exception {
    for (long t = 0; t < d.toMillis(); t += 500) {
      if (a != null) {
        ta.addAndGet(500_000_000L);
        a.tick();
      }
      if (b != null) {
        tb.addAndGet(500_000_000L);
        b.tick();
      }
    }
  }

  @Test
  void theFirstTakesTheLeaseAndTheSecondWaitsWhileItIsRenewed() throws Exception {
    CoordinatorLease a = lease("a", ticksA);
    CoordinatorLease b = lease("b", ticksB);
    assertEquals(Role.ACTIVE, a.tick());
    assertEquals(Role.STANDBY, b.tick());
    run(a, ticksA, b, ticksB, Duration.ofMinutes(1));
    assertEquals(Role.ACTIVE, a.role());
    assertEquals(Role.STANDBY, b.role());
    assertEquals(1, a.epoch());
    assertEquals("a", a.read().orElseThrow().owner());
  }

  @Test
  void aStandbyTakesOverWithAHigherEpochAndTheOldHolderIsFenced() throws Exception {
    CoordinatorLease a = lease("a", ticksA);
    CoordinatorLease b = lease("b", ticksB);
    a.tick();
    b.tick();
    run(null, ticksA, b, ticksB, Duration.ofMillis(9_500)); // A is paused (SIGSTOP)
    assertEquals(Role.STANDBY, b.role(), "not before the lease timeout");
    run(null, ticksA, b, ticksB, Duration.ofMillis(1_000));
    assertEquals(Role.ACTIVE, b.role());
    assertEquals(2, b.epoch());
    ticksA.addAndGet(Duration.ofSeconds(30).toNanos()); // A wakes up
    assertEquals(Role.STANDBY, a.tick(), "A sees epoch 2 and stops acting");
    run(a, ticksA, b, ticksB, Duration.ofMinutes(1));
    assertEquals(Role.STANDBY, a.role());
    assertEquals(Role.ACTIVE, b.role());
    assertEquals(2L, b.read().orElseThrow().epoch());
  }

  @Test
  void aStandbyThatWasItselfPausedWaitsAFullTimeout() throws Exception {
    CoordinatorLease a = lease("a", ticksA);
    CoordinatorLease b = lease("b", ticksB);
    a.tick();
    b.tick();
    run(a, ticksA, b, ticksB, Duration.ofSeconds(3));
    ticksB.addAndGet(Duration.ofMinutes(5).toNanos()); // B was paused; A kept renewing meanwhile
    run(a, ticksA, null, ticksB, Duration.ofSeconds(1));
    run(null, ticksA, b, ticksB, Duration.ofSeconds(9)); // A now stuck too, B watches
    assertEquals(Role.STANDBY, b.role());
    run(null, ticksA, b, ticksB, Duration.ofSeconds(2));
    assertEquals(Role.ACTIVE, b.role());
  }

  @Test
  void aReleasedLeaseIsTakenAtOnceAndEachEpochHasOneOwner() throws Exception {
    CoordinatorLease a = lease("a", ticksA);
    CoordinatorLease b = lease("b", ticksB);
    CoordinatorLease c = lease("c", new AtomicLong());
    a.tick();
    b.tick();
    c.tick();
    a.release();
    assertEquals(Role.ACTIVE, b.tick());
    assertEquals(Role.STANDBY, c.tick(), "c reads b's lease, not the released one");
    assertEquals(2, b.epoch());
    assertEquals(true, Files.exists(layout.coordinatorEpoch(2)));
  }

  @Test
  void aStandbyThatFindsAnEpochAlreadyClaimedTakesTheNextOne() throws Exception {
    CoordinatorLease a = lease("a", ticksA);
    a.tick();
    a.release();
    // Another standby claimed epoch 2 and has not written its lease yet.
    files.publishIfAbsent(layout.coordinatorEpoch(2), new byte[] {'{', '}'});
    CoordinatorLease b = lease("b", ticksB);
    assertEquals(Role.ACTIVE, b.tick());
    assertEquals(3, b.epoch(), "epoch 2 has an owner already");
  }

  @Test
  void anActiveCoordinatorThatSeesAHigherEpochClaimStopsActing() throws Exception {
    CoordinatorLease a = lease("a", ticksA);
    assertEquals(Role.ACTIVE, a.tick());
    files.publishIfAbsent(layout.coordinatorEpoch(5), new byte[] {'{', '}'});
    ticksA.addAndGet(500_000_000L);
    assertEquals(Role.STANDBY, a.tick());
  }
}
