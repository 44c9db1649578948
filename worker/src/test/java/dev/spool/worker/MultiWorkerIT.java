package dev.spool.worker;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.spool.protocol.result.AttemptResult;
import dev.spool.protocol.result.Outcome;
import dev.spool.protocol.spool.TaskState;
import dev.spool.protocol.task.Task;
import dev.spool.protocol.testing.Await;
import dev.spool.worker.testing.Scripts;
import dev.spool.worker.testing.TestSpool;
import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Worker JVMs contending for one spool, killed with SIGKILL and stopped with SIGTERM. The task
 * count is {@code -Dspool.it.tasks} (default 2,000).
 */
@Timeout(600)
class MultiWorkerIT {
  private static final int TASKS = Integer.getInteger("spool.it.tasks", 2000);

  @TempDir Path dir;
  private TestSpool spool;
  private Path config;
  private final List<Process> jvms = new ArrayList<>();

  @BeforeEach
  void setUp() throws Exception {
    spool = new TestSpool(dir.resolve("spool"));
    config = dir.resolve("worker.yaml");
    Files.writeString(
        config,
        String.join(
            "\n",
            "heartbeat_interval: 0.5",
            "rescan_interval: 0.2",
            "kill_grace: 1",
            "drain_timeout: 1",
            "liveness_check: 1.5",
            "scratch_dir: " + dir.resolve("scratch"),
            ""));
  }

  @AfterEach
  void killLeftovers() {
    jvms.forEach(Process::destroyForcibly);
  }

  private Process worker(String id, int slots) throws IOException {
    String cp =
        System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
    Path java = Path.of(System.getProperty("java.home"), "bin", "java");
    ProcessBuilder pb =
        new ProcessBuilder(
            java.toString(),
            "-Xmx128m",
            "-XX:TieredStopAtLevel=1",
            "-cp",
            cp,
            WorkerCommand.class.getName(),
            "--spool",
            spool.layout.root().toString(),
            "--id",
            id,
            "--slots",
            Integer.toString(slots),
            "--allow-argv",
            "--config",
            config.toString());
    File log = dir.resolve(id + "-" + jvms.size() + ".log").toFile();
    pb.redirectErrorStream(true).redirectOutput(log);
    Process p = pb.start();
    jvms.add(p);
    return p;
  }

  @Test
  void fourWorkersRunEveryTaskOnceThroughAKillAndARestart() throws Exception {
    Path task = Scripts.write(dir, "task.sh", "echo \"$SPOOL_TASK_ID $SPOOL_WORKER_ID\"; sleep $1");
    Instant t0 = Instant.now();
    for (int i = 0; i < TASKS; i++) {
      // Every 20th task is slow, so the victim is caught holding claims.
      boolean slow = i % 20 == 0;
      spool.submit(
          Task.ofArgv(
              String.format("t%05d%s", i, slow ? "s" : ""),
              t0,
              List.of(task.toString(), slow ? "1" : "0")));
    }
    List<Process> workers = new ArrayList<>();
    for (int w = 1; w <= 4; w++) {
      workers.add(worker("w" + w, 2));
    }
    Await.until(
        Duration.ofMinutes(3), "a quarter done", () -> spool.count(TaskState.DONE) >= TASKS / 4);
    Await.until(Duration.ofMinutes(1), "w2 runs a slow task", () -> claimedBy("w2"));
    Process victim = workers.get(1);
    victim.destroyForcibly();
    assertTrue(victim.waitFor(30, TimeUnit.SECONDS));
    workers.set(1, worker("w2", 2));
    Await.until(Duration.ofMinutes(6), "all done", () -> spool.count(TaskState.DONE) == TASKS);

    assertEquals(0, spool.count(TaskState.PENDING));
    assertEquals(0, spool.count(TaskState.CLAIMED));
    assertEquals(0, spool.count(TaskState.FAILED));
    Map<String, List<AttemptResult>> byTask = results();
    assertEquals(TASKS, byTask.size());
    for (Map.Entry<String, List<AttemptResult>> e : byTask.entrySet()) {
      List<AttemptResult> rs = e.getValue();
      long succeeded =
          rs.stream().filter(r -> r.outcome().kind() == Outcome.Kind.SUCCEEDED).count();
      assertEquals(1, succeeded, e.getKey() + " " + rs);
      AttemptResult last = rs.get(rs.size() - 1);
      assertEquals(Outcome.Kind.SUCCEEDED, last.outcome().kind(), e.getKey() + " " + rs);
      for (int a = 0; a < rs.size(); a++) {
        assertEquals(a + 1, rs.get(a).attempt(), e.getKey() + " attempts are contiguous");
      }
    }

    long lost =
        byTask.values().stream()
            .flatMap(List::stream)
            .filter(r -> r.outcome().kind() == Outcome.Kind.LOST)
            .peek(r -> assertEquals("w2", r.worker()))
            .count();
    assertTrue(lost >= 1, "the killed worker's claims were handed back as lost");

    for (Process p : workers) {
      p.destroy(); // SIGTERM
    }
    for (Process p : workers) {
      assertTrue(p.waitFor(30, TimeUnit.SECONDS), "worker stopped on SIGTERM");
      assertEquals(0, p.exitValue());
    }
    long won = 0;
    for (int w = 1; w <= 4; w++) {
      var hb = spool.heartbeat("w" + w);
      assertTrue(hb.stopped());
      assertTrue(hb.claimsTotal() > 0, "w" + w + " counted its claims");
      assertTrue(hb.claimsLostTotal() <= hb.claimsTotal(), "w" + w + " " + hb);
      won += hb.claimsTotal() - hb.claimsLostTotal();
    }
    long attempts = byTask.values().stream().mapToLong(List::size).sum();
    // Every won claim ends in one result record; the killed incarnation's claims are not counted.
    assertTrue(won <= attempts, "won claims " + won + " vs result records " + attempts);
  }

  private boolean claimedBy(String worker) {
    try {
      return spool.names(TaskState.CLAIMED).stream()
          .map(n -> n.split("~"))
          .anyMatch(f -> f[0].endsWith("s") && f[2].equals(worker));
    } catch (IOException e) {
      return false;
    }
  }

  /** Every result of every task, by task id, in attempt order; stale records fail the test. */
  private Map<String, List<AttemptResult>> results() throws Exception {
    Map<String, List<AttemptResult>> out = new TreeMap<>();
    List<Path> files;
    try (Stream<Path> s = Files.list(spool.layout.results())) {
      files = s.sorted().toList();
    }
    for (Path f : files) {
      String name = f.getFileName().toString();
      assertTrue(!name.endsWith(".stale.json"), "no stale result without a coordinator: " + name);
      String[] parts = name.substring(0, name.length() - 5).split("~");
      out.computeIfAbsent(parts[0], k -> new ArrayList<>())
          .add(spool.result(parts[0], Integer.parseInt(parts[1])));
    }
    out.values().forEach(l -> l.sort((a, b) -> a.attempt() - b.attempt()));
    return out;
  }

  @Test
  void sigtermDuringALongTaskHandsItBackAndExitsZero() throws Exception {
    Path stubborn =
        Scripts.write(dir, "stubborn.sh", "echo up; trap '' TERM; while true; do sleep 0.1; done");
    spool.submit(Task.ofArgv("long", Instant.now(), List.of(stubborn.toString())));
    Process w = worker("w1", 1);
    Await.until(
        Duration.ofMinutes(1),
        "running",
        () -> spool.count(TaskState.CLAIMED) == 1 && logHasOutput());
    long t0 = System.nanoTime();
    w.destroy();
    assertTrue(w.waitFor(30, TimeUnit.SECONDS));
    Duration took = Duration.ofNanos(System.nanoTime() - t0);
    assertEquals(0, w.exitValue());
    // drain_timeout 1 s + kill_grace 1 s + publishing and JVM exit
    assertTrue(took.compareTo(Duration.ofSeconds(6)) < 0, took.toString());
    assertEquals(Outcome.Kind.HANDED_BACK, spool.result("long", 1).outcome().kind());
    assertTrue(spool.names(TaskState.PENDING).get(0).endsWith("~long~2.json"));
    assertTrue(spool.heartbeat("w1").stopped());
  }

  private boolean logHasOutput() {
    try {
      return Files.size(spool.layout.stdoutLog("long", 1)) > 0;
    } catch (IOException e) {
      return false;
    }
  }
}
