package dev.spool.coordinator;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.spool.coordinator.lease.LeaseConfig;
import dev.spool.protocol.result.Outcome;
import dev.spool.protocol.spool.TaskName;
import dev.spool.protocol.spool.TaskState;
import dev.spool.protocol.task.Task;
import dev.spool.protocol.testing.Await;
import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * A zombie worker: SIGSTOP a worker JVM holding a claim past {@code dead_after}; the coordinator
 * records the attempt lost and requeues it; another worker finishes it; SIGCONT: the zombie's
 * result is kept as stale and the task's state does not change.
 */
@Timeout(120)
class ZombieWorkerIT {
  @TempDir Path tmp;

  @Test
  void aStoppedWorkersTaskIsFinishedElsewhereAndItsLateResultIsStale() throws Exception {
    SpoolFixture f = new SpoolFixture(tmp.resolve("spool"));
    f.submit(Task.builder("z").createdAt(SpoolFixture.T0).argv(List.of("x")).build());
    Path go = tmp.resolve("go");
    CoordinatorConfig config =
        new CoordinatorConfig(
            Duration.ofMillis(50),
            Duration.ofSeconds(2),
            new LeaseConfig(
                "it", "h", 1, Duration.ofSeconds(2), Duration.ofMillis(200), Duration.ofSeconds(1)),
            null,
            List.of(),
            null);
    Process zombie = child(f.layout.root(), go);
    try (Coordinator c = new Coordinator(f.layout, config, Clock.systemUTC(), System::nanoTime)) {
      c.start();
      TaskName.Claimed held = new TaskName.Claimed("z", 1, "zw", 1);
      Await.until(
          Duration.ofSeconds(30), "zombie claimed z", () -> Files.exists(f.layout.path(held)));
      signal("STOP", zombie);
      Await.until(
          Duration.ofSeconds(30),
          "z requeued as attempt 2",
          () -> f.find(TaskState.PENDING, "z").map(n -> n.attempt() == 2).orElse(false));
      assertEquals(Outcome.Kind.LOST, f.readResult("z", 1).outcome().kind());
      f.heartbeat("w2", 1, 1);
      TaskName.Claimed elsewhere = f.claim("z", "w2", 1);
      assertTrue(f.finish(elsewhere, new Outcome.Succeeded()));
      Files.writeString(go, "go");
      signal("CONT", zombie);
      assertTrue(zombie.waitFor(30, TimeUnit.SECONDS), "zombie finished");
      assertEquals(3, zombie.exitValue(), "its result could not decide the attempt");
    } finally {
      zombie.destroyForcibly();
    }
    f.assertOnlyIn(TaskState.DONE, "z");
    assertEquals(Outcome.Kind.LOST, f.readResult("z", 1).outcome().kind());
    assertEquals(Outcome.Kind.SUCCEEDED, f.readResult("z", 2).outcome().kind());
    assertTrue(Files.exists(f.layout.staleResult("z", 1, "zw", 1)), "the late result is kept");
  }

  private static void signal(String sig, Process p) throws Exception {
    Process kill = new ProcessBuilder("kill", "-" + sig, Long.toString(p.pid())).start();
    assertTrue(kill.waitFor(10, TimeUnit.SECONDS));
    assertEquals(0, kill.exitValue(), "kill -" + sig);
  }

  private Process child(Path spool, Path go) throws Exception {
    List<String> cmd =
        List.of(
            Path.of(System.getProperty("java.home"), "bin", "java").toString(),
            "-Xmx64m",
            "-XX:TieredStopAtLevel=1",
            "-cp",
            System.getProperty("java.class.path"),
            FakeWorkerMain.class.getName(),
            spool.toString(),
            "zw",
            "z",
            go.toString());
    return new ProcessBuilder(cmd)
        .redirectErrorStream(true)
        .redirectOutput(tmp.resolve("zombie.log").toFile())
        .directory(new File(System.getProperty("java.io.tmpdir")))
        .start();
  }
}
