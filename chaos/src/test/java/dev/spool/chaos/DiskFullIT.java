package dev.spool.chaos;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.spool.protocol.json.SpoolJson;
import dev.spool.protocol.spool.TaskState;
import dev.spool.protocol.task.Backoff;
import dev.spool.protocol.task.Task;
import dev.spool.protocol.testing.Await;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Scenario 5: the spool lives on a private 16 MiB tmpfs (never a real disk); mid-run a filler file
 * takes every free byte for a few seconds, then is removed. No published file is half written
 * (every task file and result parses), nothing acknowledged is lost, the daemons back off instead
 * of spinning (their CPU use while the disk is full is measured), and everything completes once
 * space returns. Skips with a reason when tmpfs cannot be mounted (not root, no CAP_SYS_ADMIN).
 */
@Timeout(600)
class DiskFullIT {
  @TempDir Path tmp;
  private Scenario scenario;
  private Path mount;

  @AfterEach
  void cleanUp() throws Exception {
    if (scenario != null) {
      scenario.close();
    }
    if (mount != null) {
      run("umount", "-l", mount.toString());
    }
  }

  @Test
  void aFullDiskDelaysButLosesNothing() throws Exception {
    Path mnt = Files.createDirectories(tmp.resolve("mnt"));
    Assumptions.assumeTrue(
        run("mount", "-t", "tmpfs", "-o", "size=16m,mode=0755", "spool-chaos", mnt.toString()),
        "cannot mount a tmpfs here (needs root / CAP_SYS_ADMIN)");
    mount = mnt;
    scenario = new Scenario("disk-full", new Cluster(tmp, mnt.resolve("spool")));
    Cluster c = scenario.cluster;
    Workload w = scenario.workload;
    int n = Size.pick(40, 400);
    for (int i = 0; i < n; i++) {
      Task t =
          w.task(String.format("t%05d", i), Duration.ofMillis(200), 0)
              .maxRetries(50)
              .backoff(new Backoff(Duration.ofMillis(500), 1.0, Duration.ofSeconds(1), 0.0))
              .build();
      w.submit(t, TaskState.DONE);
    }
    List<Cluster.Daemon> daemons =
        List.of(c.coordinator(Map.of(), List.of()), c.worker("w1", 2), c.worker("w2", 2));
    Await.until(Duration.ofSeconds(60), "a quarter done", () -> done(c) >= n / 4);
    Path filler = mnt.resolve("filler");
    long filled = fill(filler);
    scenario.fault();
    long cpu0 = cpuTicks(daemons);
    long t0 = System.nanoTime();
    FaultSchedule.runFor(Duration.ofSeconds(4));
    double cores = (cpuTicks(daemons) - cpu0) / 100.0 / ((System.nanoTime() - t0) / 1e9);
    int doneWhileFull = done(c);
    Files.delete(filler);
    scenario.settle(Duration.ofSeconds(180));
    assertEverythingParses(c);
    Invariants.Report r =
        scenario.finish(
            String.format(
                "filled=%dKiB cpu_while_full=%.2f_cores done_when_full=%d",
                filled / 1024, cores, doneWhileFull));
    assertEquals(n, r.states().get(TaskState.DONE));
    assertTrue(
        cores < 0.9, "three daemons used " + cores + " cores while the disk was full: spinning");
  }

  /** Writes until ENOSPC; the bytes written. */
  private static long fill(Path filler) throws IOException {
    byte[] mib = new byte[256 * 1024];
    long n = 0;
    try (OutputStream out = Files.newOutputStream(filler)) {
      while (true) {
        out.write(mib);
        n += mib.length;
      }
    } catch (IOException e) {
      if (!String.valueOf(e.getMessage()).contains("No space left")) {
        throw e;
      }
    }
    return n;
  }

  private static int done(Cluster c) {
    try (DirectoryStream<Path> s = Files.newDirectoryStream(c.layout.dir(TaskState.DONE))) {
      int n = 0;
      for (Path p : s) {
        n++;
      }
      return n;
    } catch (IOException e) {
      return 0;
    }
  }

  /** Every task file in a state directory is whole JSON: nothing half written was published. */
  private static void assertEverythingParses(Cluster c) throws Exception {
    for (TaskState s : TaskState.values()) {
      try (DirectoryStream<Path> files = Files.newDirectoryStream(c.layout.dir(s))) {
        for (Path p : files) {
          SpoolJson.read(p.toString(), Files.readAllBytes(p), Task.class);
        }
      }
    }
  }

  /** utime + stime of the daemons' JVMs, in clock ticks (USER_HZ = 100 on Linux). */
  private static long cpuTicks(List<Cluster.Daemon> daemons) throws IOException {
    long t = 0;
    for (Cluster.Daemon d : daemons) {
      Path stat = Path.of("/proc", Long.toString(d.pid()), "stat");
      if (Files.exists(stat)) {
        String s = Files.readString(stat);
        String[] f = s.substring(s.lastIndexOf(')') + 2).split(" ");
        t += Long.parseLong(f[11]) + Long.parseLong(f[12]);
      }
    }
    return t;
  }

  private static boolean run(String... cmd) throws Exception {
    Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
    return p.waitFor(20, TimeUnit.SECONDS) && p.exitValue() == 0;
  }
}
