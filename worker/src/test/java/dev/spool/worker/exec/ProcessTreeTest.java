package dev.spool.worker.exec;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.spool.protocol.fs.AtomicFiles;
import dev.spool.protocol.fs.FileOps;
import dev.spool.protocol.heartbeat.RunningTask;
import dev.spool.protocol.result.Outcome;
import dev.spool.protocol.spool.SpoolLayout;
import dev.spool.worker.heartbeat.HeartbeatWriter;
import dev.spool.worker.testing.Scripts;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Hostile process trees: each run must end within timeout + grace + 1 s, leave no process alive,
 * and not disturb the heartbeat's pace (written on its own thread every 100 ms here).
 */
@Timeout(60)
class ProcessTreeTest {
  private static final Duration GRACE = Duration.ofMillis(500);
  private static final Duration BEAT = Duration.ofMillis(100);

  @TempDir Path dir;
  private HeartbeatWriter heartbeat;
  private Path pidFile;

  @BeforeEach
  void startHeartbeat() throws Exception {
    SpoolLayout layout = SpoolLayout.create(dir.resolve("spool"), Instant.now());
    heartbeat =
        new HeartbeatWriter(
            layout,
            new AtomicFiles(FileOps.real(), layout.tmp(), true),
            Clock.systemUTC(),
            new HeartbeatWriter.Identity("w1", 1, "h", "t", Instant.now(), 1, List.of(), List.of()),
            new HeartbeatWriter.Source() {
              @Override
              public int slotsUsed() {
                return 1;
              }

              @Override
              public List<RunningTask> running() {
                return List.of();
              }

              @Override
              public boolean draining() {
                return false;
              }

              @Override
              public Long tasksRssBytes() {
                return null;
              }
            });
    heartbeat.start(BEAT);
    pidFile = dir.resolve("pids");
  }

  @AfterEach
  void stopHeartbeat() throws Exception {
    heartbeat.stop();
  }

  private RunResult runChecked(String body, Duration timeout, Duration bound) throws Exception {
    return runChecked(body, timeout, bound, System::nanoTime);
  }

  private RunResult runChecked(
      String body, Duration timeout, Duration bound, java.util.function.LongSupplier ticker)
      throws Exception {
    Path script = Scripts.write(dir, "task.sh", body);
    LaunchSpec spec =
        new LaunchSpec(
            List.of(script.toString(), pidFile.toString()),
            Map.of("PATH", "/usr/bin:/bin"),
            dir,
            null,
            new LaunchSpec.OutputFiles(dir.resolve("out"), dir.resolve("err"), 1 << 20),
            new LaunchSpec.Limits(timeout, Duration.ofSeconds(30), GRACE),
            "token-" + System.nanoTime());
    long seq0 = heartbeat.seq();
    long t0 = System.nanoTime();
    RunResult r = new ProcessRun(spec, Clock.systemUTC(), ticker).run();
    Duration took = Duration.ofNanos(System.nanoTime() - t0);
    long beats = heartbeat.seq() - seq0;
    assertTrue(took.compareTo(bound) < 0, "took " + took + ", bound " + bound);
    long expected = took.toMillis() / BEAT.toMillis();
    assertTrue(beats >= expected / 2, "heartbeats " + beats + " in " + took);
    List<Long> pids = Scripts.pids(pidFile);
    assertFalse(pids.isEmpty(), "the task recorded its pids");
    for (long pid : pids) {
      assertFalse(Scripts.running(pid), "pid " + pid + " survived");
    }
    return r;
  }

  private static Duration bound(Duration timeout) {
    return timeout.plus(GRACE).plusSeconds(1);
  }

  @Test
  void aTreeThatIgnoresSigtermIsKilled() throws Exception {
    Duration timeout = Duration.ofMillis(800);
    RunResult r =
        runChecked(
            "trap '' TERM; echo $$ >> \"$1\"; sleep 30 & echo $! >> \"$1\"; sleep 30 & echo $! >>"
                + " \"$1\"; wait",
            timeout,
            bound(timeout));
    assertEquals(new Outcome.TimedOut(java.time.Duration.ofMillis(800)), r.outcome());
  }

  @Test
  void aDoubleForkedSetsidGrandchildHoldingStdoutIsKilled() throws Exception {
    Duration timeout = Duration.ofMillis(800);
    RunResult r =
        runChecked(
            "echo $$ >> \"$1\"; ( setsid sh -c 'trap \"\" TERM; echo $$ >> \"$1\"; exec sleep 60'"
                + " sh \"$1\" & ) ; echo started; sleep 30",
            timeout,
            bound(timeout));
    assertEquals(new Outcome.TimedOut(java.time.Duration.ofMillis(800)), r.outcome());
  }

  @Test
  void aGrandchildLeftBehindByASuccessfulTaskDoesNotHangTheWorker() throws Exception {
    RunResult r =
        runChecked(
            "echo $$ >> \"$1\"; ( setsid sh -c 'echo $$ >> \"$1\"; exec sleep 60' sh \"$1\" & );"
                + " i=0; while [ ! -s \"$1\" ] || [ $(wc -l < \"$1\") -lt 2 ]; do sleep 0.05; done;"
                + " echo done",
            Duration.ofSeconds(20),
            GRACE.plusSeconds(3));
    assertInstanceOf(Outcome.Succeeded.class, r.outcome());
  }

  /**
   * With time standing still the token scan reads only pids allocated since the root started (the
   * short-attempt path): the escaped grandchild is among them and is still found and stopped.
   */
  @Test
  void theScanOfPidsNewerThanTheRootFindsAnEscapedGrandchild() throws Exception {
    RunResult r =
        runChecked(
            "echo $$ >> \"$1\"; ( setsid sh -c 'echo $$ >> \"$1\"; exec sleep 60' sh \"$1\" & );"
                + " while [ ! -s \"$1\" ] || [ $(wc -l < \"$1\") -lt 2 ]; do sleep 0.05; done;"
                + " echo done",
            Duration.ofSeconds(20),
            GRACE.plusSeconds(3),
            () -> 0L);
    assertInstanceOf(Outcome.Succeeded.class, r.outcome());
  }

  @Test
  void aGibibyteFloodIsCappedAndDrainedWhileTheTimeoutStillFires() throws Exception {
    floods(1024L * 1024 * 1024);
  }

  private void floods(long bytes) throws Exception {
    Duration timeout = Duration.ofSeconds(bytes > 500_000_000L ? 20 : 6);
    RunResult r =
        runChecked(
            "echo $$ >> \"$1\"; head -c " + bytes + " /dev/zero; exec sleep 60",
            timeout,
            bound(timeout));
    assertInstanceOf(Outcome.TimedOut.class, r.outcome());
    assertEquals(bytes, r.stdoutBytes());
    assertTrue(r.stdoutTruncated());
    assertEquals((1 << 20) + CappedOutput.marker(1 << 20).length(), Files.size(dir.resolve("out")));
  }
}
