package dev.spool.chaos;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.spool.protocol.spool.TaskState;
import dev.spool.protocol.task.Backoff;
import dev.spool.protocol.task.Task;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Scenario 6: the coordinator and two workers run under libfiu's POSIX preload ({@code fiu-run -x})
 * with fsync, fdatasync and rename failing at random (EIO-like errors from the C library the JVM
 * calls). A failed operation must never be treated as done: the invariants hold (nothing lost, no
 * duplicate accepted, no result overwritten, every re-execution explained), and every task still
 * completes. The injected failures are counted from the daemons' logs. Skips with a reason when
 * fiu-run is missing.
 */
@Timeout(600)
class IoFaultIT {
  private static final int MIN_FAULTS = 3;
  private static final int MAX_BATCHES = 8;
  @TempDir Path tmp;
  private Scenario scenario;

  @AfterEach
  void cleanUp() throws Exception {
    if (scenario != null) {
      scenario.close();
    }
  }

  private static List<String> fiu(double p) {
    return List.of(
        "fiu-run",
        "-x",
        "-f",
        "",
        "-c",
        "enable_random name=posix/io/sync/fsync,probability=" + p,
        "-c",
        "enable_random name=posix/io/sync/fdatasync,probability=" + p,
        "-c",
        "enable_random name=posix/io/dir/rename,probability=" + p);
  }

  @Test
  void failedFsyncAndRenameAreNeverTreatedAsDone() throws Exception {
    Assumptions.assumeTrue(works("fiu-run", "-x", "true"), "fiu-run (fiu-utils) is not installed");
    scenario = new Scenario("libfiu-io-errors", tmp);
    Cluster c = scenario.cluster;
    Workload w = scenario.workload;
    int n = Size.pick(16, 400);
    double p = 0.05;
    c.coordinator(Map.of(), fiu(p));
    List<Cluster.Daemon> workers = new ArrayList<>();
    workers.add(c.worker("w1", 2, Map.of(), fiu(p)));
    workers.add(c.worker("w2", 2, Map.of(), fiu(p)));
    int restarts = 0;
    int injected = 0;
    int submitted = 0;
    long deadline = System.nanoTime() + Duration.ofSeconds(240).toNanos();
    // Injection is random: a batch of n tasks meets a handful of failures on average, and none
    // at all now and then. Batches are added until the daemons have met MIN_FAULTS of them, so
    // that the run always tests something, up to MAX_BATCHES.
    for (int batch = 0; batch < MAX_BATCHES && injected < MIN_FAULTS; batch++) {
      for (int i = 0; i < n; i++) {
        Task t =
            w.task(String.format("t%05d", submitted++), Duration.ofMillis(100), 0)
                .maxRetries(50)
                .backoff(new Backoff(Duration.ofMillis(300), 1.0, Duration.ofSeconds(1), 0.0))
                .build();
        w.submit(t, TaskState.DONE);
      }
      // A worker whose first heartbeat fails refuses to start (exit 3); systemd restarts it, and
      // so does this loop. The wait for the next look is bounded and polls the spool, as Await
      // does.
      while (!Invariants.settled(c.layout, w.expected().keySet())) {
        assertTrue(System.nanoTime() < deadline, "not settled in 240 s\n" + scenario.diagnosis());
        for (int i = 0; i < workers.size(); i++) {
          if (!workers.get(i).alive()) {
            workers.set(i, c.worker("w" + (i + 1), 2, Map.of(), fiu(p)));
            restarts++;
          }
        }
        FaultSchedule.runFor(Duration.ofMillis(200));
      }
      injected = 0;
      for (Cluster.Daemon d : c.daemons()) {
        injected += countIoErrors(d.log());
      }
    }
    for (int i = 0; i < injected; i++) {
      scenario.fault();
    }
    Invariants.Report r =
        scenario.finish(
            "probability=" + p + " io_errors_logged=" + injected + " worker_restarts=" + restarts);
    assertEquals(submitted, r.states().get(TaskState.DONE));
    assertTrue(
        injected >= MIN_FAULTS,
        "libfiu injected " + injected + " errors the daemons noticed in " + submitted + " tasks");
  }

  /** Log lines of a daemon that report an injected I/O failure (one per failed operation). */
  private static int countIoErrors(Path log) throws IOException {
    int n = 0;
    for (String line : Files.readAllLines(log)) {
      if (line.contains("Exception") && !line.startsWith("\t")) {
        n++;
      }
    }
    return n;
  }

  private static boolean works(String... cmd) {
    try {
      Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
      return p.waitFor(10, TimeUnit.SECONDS) && p.exitValue() == 0;
    } catch (Exception e) {
      return false;
    }
  }
}
