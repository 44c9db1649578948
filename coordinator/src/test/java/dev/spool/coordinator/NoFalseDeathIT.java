package dev.spool.coordinator;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.spool.coordinator.lease.LeaseConfig;
import dev.spool.protocol.spool.TaskName;
import dev.spool.protocol.spool.TaskState;
import dev.spool.protocol.task.Task;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * No false deaths: with every core busy (4 spinning threads) and a worker whose heartbeat stops for
 * half of {@code dead_after} now and then, a real-time coordinator declares nobody dead over 2
 * minutes. Runs in every build (about 2 minutes).
 */
@Timeout(300)
class NoFalseDeathIT {
  @TempDir Path root;

  @Test
  void noWorkerIsDeclaredDeadUnderFullCpuLoad() throws Exception {
    SpoolFixture f = new SpoolFixture(root);
    f.submit(Task.builder("t").createdAt(SpoolFixture.T0).argv(List.of("x")).build());
    TaskName.Claimed claim = f.claim("t", "w1", 1);
    Duration deadAfter = Duration.ofSeconds(15);
    CoordinatorConfig config =
        new CoordinatorConfig(
            Duration.ofMillis(250),
            deadAfter,
            new LeaseConfig(
                "soak",
                "h",
                1,
                Duration.ofSeconds(10),
                Duration.ofSeconds(1),
                Duration.ofSeconds(2)),
            null,
            List.of(),
            null);
    AtomicBoolean stop = new AtomicBoolean();
    List<Thread> spinners = new ArrayList<>();
    for (int i = 0; i < 4; i++) {
      Thread t =
          new Thread(
              () -> {
                long x = 0;
                while (!stop.get()) {
                  x += System.nanoTime() % 7;
                }
                if (x == 42) {
                  System.out.print("");
                }
              },
              "spin-" + i);
      t.setDaemon(true);
      t.start();
      spinners.add(t);
    }
    CountDownLatch done = new CountDownLatch(1);
    Thread worker = new Thread(() -> beat(f, deadAfter, done), "fake-worker");
    worker.setDaemon(true);
    try (Coordinator c = new Coordinator(f.layout, config, Clock.systemUTC(), System::nanoTime)) {
      c.start();
      worker.start();
      done.await(150, TimeUnit.SECONDS);
    } finally {
      stop.set(true);
    }
    assertEquals(true, Files.exists(f.layout.path(claim)), "the claim is still the live worker's");
    f.assertOnlyIn(TaskState.CLAIMED, "t");
  }

  /** Beats every 2 s for 2 minutes; every 30 s it stops for half of dead_after. */
  private static void beat(SpoolFixture f, Duration deadAfter, CountDownLatch done) {
    long start = System.nanoTime();
    long seq = 0;
    long nextPause = start + Duration.ofSeconds(30).toNanos();
    try {
      while (System.nanoTime() - start < Duration.ofMinutes(2).toNanos()) {
        f.heartbeat("w1", 1, seq++);
        long wait = Duration.ofSeconds(2).toNanos();
        if (System.nanoTime() > nextPause) {
          wait = deadAfter.dividedBy(2).toNanos();
          nextPause += Duration.ofSeconds(30).toNanos();
        }
        TimeUnit.NANOSECONDS.sleep(wait);
      }
    } catch (Exception e) {
      throw new IllegalStateException(e);
    } finally {
      done.countDown();
    }
  }
}
