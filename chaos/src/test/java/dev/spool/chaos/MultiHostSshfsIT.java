package dev.spool.chaos;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.spool.protocol.InvalidInputException;
import dev.spool.protocol.fs.AtomicFiles;
import dev.spool.protocol.fs.FileOps;
import dev.spool.protocol.heartbeat.Heartbeat;
import dev.spool.protocol.json.SpoolJson;
import dev.spool.protocol.result.AttemptResult;
import dev.spool.protocol.result.Outcome;
import dev.spool.protocol.spool.SpoolLayout;
import dev.spool.protocol.spool.TaskState;
import dev.spool.protocol.testing.Await;
import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Scenario 9: several hosts over a real network file system. {@link SshfsHosts} gives three client
 * hosts (network namespaces) each with its own sshfs mount of one spool, caches on as on an NFS
 * client. The coordinator runs on host 1, one worker JVM on each of hosts 2 and 3, each on its own
 * mount and discovering tasks by rescans only ({@code --no-watch}: no file event crosses hosts).
 * Tasks are submitted through host 1's mount in batches while workers get kill -9 and come back
 * (mostly the same id, sometimes a new one). Afterwards the usual invariants, plus: no attempt of a
 * worker incarnation that was never killed was declared lost (stale caches cause no false death),
 * and single tasks submitted to idle workers are found within the cache and rescan delays.
 *
 * <p>CI: 200 tasks, 4 kills; soak: 1,000 tasks, 10 kills. Skips when namespaces, FUSE, sshd or
 * sshfs are unavailable (scripts/test-deps.sh installs the packages). {@code -Dspool.chaos.seed=N}
 * replays a schedule.
 */
@Timeout(900)
class MultiHostSshfsIT {
  private static final int SLOTS = 4;

  /**
   * Longer than the mounts' attribute cache (3 s): a heartbeat replaced on another host can be read
   * truncated to its old cached size until the cache entry expires, and a read that fails counts as
   * "no new beat". Over sshfs (unlike NFS, whose open revalidates attributes) dead_after must
   * exceed the attribute cache timeout; the default 15 s does.
   */
  private static final Duration DEAD_AFTER = Duration.ofSeconds(5);

  @TempDir Path tmp;
  private SshfsHosts hosts;
  private Scenario scenario;

  @AfterEach
  void cleanUp() throws Exception {
    try {
      if (scenario != null) {
        scenario.close();
        keepLogs(scenario.cluster);
      }
    } finally {
      if (hosts != null) {
        hosts.close();
      }
    }
  }

  @Test
  void workersOnTwoHostsRunEveryTaskOnceThroughKillsWithCachedMounts() throws Exception {
    long seed = Long.getLong("spool.chaos.seed", System.nanoTime());
    Random rnd = new Random(seed);
    int tasks = Size.pick(200, 1000);
    int kills = Size.pick(4, 10);
    hosts = SshfsHosts.up(tmp.resolve("net"), 3);
    Cluster c = new Cluster(tmp.resolve("local"), hosts.export().resolve("spool"));
    scenario = new Scenario("multi-host-sshfs", c);
    SpoolLayout onHost1 = SpoolLayout.open(spoolOn(hosts.host(1)));
    scenario.workload.submitThrough(onHost1, new AtomicFiles(FileOps.real(), onHost1.tmp(), true));
    long t0 = System.nanoTime();
    start(c, "coordinator", hosts.host(1), coordinatorArgs(hosts.host(1)));
    List<String> ids = new ArrayList<>(List.of("w2", "w3"));
    List<Cluster.Daemon> workers = new ArrayList<>();
    for (int i = 0; i < 2; i++) {
      workers.add(startWorker(c, ids.get(i), hosts.host(i + 2)));
      awaitIncarnation(c, ids.get(i), 0);
    }
    Set<String> killedIncarnations = new TreeSet<>();
    int submitted = 0;
    int killed = 0;
    for (int batch = 0; submitted < tasks || killed < kills; batch++) {
      int n = Math.min(tasks - submitted, Math.max(tasks / kills / 2, 1));
      if (n > 0) {
        scenario.workload.succeeding(
            "b" + batch + "-", n, Duration.ofMillis(50 + rnd.nextInt(250)));
        submitted += n;
      }
      FaultSchedule.runFor(Duration.ofMillis(1000 + rnd.nextInt(2000)));
      if (killed < kills && batch % 2 == 1) {
        int v = rnd.nextInt(workers.size());
        long inc = incarnation(c, ids.get(v));
        c.kill9(workers.get(v));
        killedIncarnations.add(ids.get(v) + "~" + inc);
        scenario.fault();
        killed++;
        FaultSchedule.runFor(Duration.ofMillis(rnd.nextInt(1500)));
        // Mostly the same id (its next incarnation hands the claims back at start); sometimes a
        // new one, so the coordinator has to find the death through a cached heartbeat file.
        long after = inc;
        if (rnd.nextInt(3) == 0) {
          ids.set(v, "w" + (v + 2) + "g" + batch);
          after = 0;
        }
        workers.set(v, startWorker(c, ids.get(v), hosts.host(v + 2)));
        awaitIncarnation(c, ids.get(v), after);
      }
    }
    long lastSubmit = System.nanoTime();
    int backlog = tasks - terminal(c);
    scenario.settle(Duration.ofSeconds(Size.pick(240, 600)));
    long settled = System.nanoTime();
    double bulk = (settled - t0) / 1e9;
    double drain = backlog / Math.max((settled - lastSubmit) / 1e9, 0.001);
    Duration pickup = trickle(Size.pick(5, 10));
    for (Cluster.Daemon d : c.daemons()) {
      if (d.alive()) {
        c.stop(d); // SIGTERM to the JVM itself (ip netns exec replaces itself with it)
      }
    }
    List<String> falseDeaths = lostAttemptsNotOf(c.layout, killedIncarnations);
    long truncatedReads = logLines(c, "heartbeat_invalid");
    Invariants.Report r =
        scenario.finish(
            String.format(
                Locale.ROOT,
                "hosts=3 kills=%d bulk=%.1fs backlog=%d drain_tasks_per_s=%.1f max_pickup_idle=%dms"
                    + " heartbeat_reads_invalid=%d seed=%d size=%s",
                killed,
                bulk,
                backlog,
                drain,
                pickup.toMillis(),
                truncatedReads,
                seed,
                Size.soak() ? "soak" : "ci"));
    assertEquals(
        List.of(),
        falseDeaths,
        "attempts of worker incarnations never killed recorded lost: " + killedIncarnations);
    assertEquals(r.tasks(), r.states().get(TaskState.DONE), "all done: " + r.states());
    assertTrue(
        pickup.compareTo(Duration.ofSeconds(15)) < 0,
        "an idle worker found a new task in " + pickup);
  }

  /**
   * Submits single tasks to idle workers, one after the other, and returns the longest time from
   * submission to its result: discovery through a cached directory listing, by rescans alone.
   */
  private Duration trickle(int n) throws IOException {
    Duration worst = Duration.ZERO;
    for (int i = 0; i < n; i++) {
      String id = scenario.workload.succeeding("idle" + i + "-", 1, Duration.ZERO).get(0);
      long start = System.nanoTime();
      Path result = scenario.cluster.layout.results().resolve(id + "~1.json");
      Await.until(Duration.ofSeconds(60), "idle task " + id + " ran", () -> Files.exists(result));
      Duration took = Duration.ofNanos(System.nanoTime() - start);
      worst = took.compareTo(worst) > 0 ? took : worst;
    }
    return worst;
  }

  /** How many submitted tasks are terminal now, read on the server's disk. */
  private int terminal(Cluster c) throws IOException {
    Set<String> ids = scenario.workload.expected().keySet();
    return (int)
        Invariants.locate(c.layout).entrySet().stream()
            .filter(e -> ids.contains(e.getKey()) && e.getValue().get(0).isTerminal())
            .count();
  }

  /** Copies the daemons' logs to target/multi-host-sshfs/ (the temp dir is deleted). */
  private static void keepLogs(Cluster c) throws IOException {
    Path to = Path.of(System.getProperty("basedir", ".")).resolve("target/multi-host-sshfs");
    Files.createDirectories(to);
    for (Cluster.Daemon d : c.daemons()) {
      if (Files.exists(d.log())) {
        Files.copy(d.log(), to.resolve(d.log().getFileName()), StandardCopyOption.REPLACE_EXISTING);
      }
    }
  }

  private static Path spoolOn(SshfsHosts.Host h) {
    return h.mount().resolve("spool");
  }

  private static List<String> coordinatorArgs(SshfsHosts.Host h) {
    return List.of(
        "coordinator",
        "--spool",
        spoolOn(h).toString(),
        "--interval",
        "100ms",
        "--dead-after",
        DEAD_AFTER.toMillis() + "ms",
        "--lease-timeout",
        "2s");
  }

  private static Cluster.Daemon startWorker(Cluster c, String id, SshfsHosts.Host h)
      throws IOException {
    List<String> args =
        List.of(
            "worker",
            "--spool",
            spoolOn(h).toString(),
            "--id",
            id,
            "--slots",
            Integer.toString(SLOTS),
            "--config",
            c.workerConfig.toString(),
            "--allow-argv",
            "--no-watch");
    return start(c, id, h, args);
  }

  private static Cluster.Daemon start(Cluster c, String name, SshfsHosts.Host h, List<String> args)
      throws IOException {
    return c.start(name + "@host" + h.index(), Map.of(), h.prefix(), Map.of(), args);
  }

  /** The incarnation in a worker's heartbeat on the server's disk. */
  private static long incarnation(Cluster c, String id) {
    Path hb = c.layout.heartbeat(id);
    try {
      return SpoolJson.read(hb.toString(), Files.readAllBytes(hb), Heartbeat.class).incarnation();
    } catch (IOException | InvalidInputException e) {
      throw new AssertionError("heartbeat of " + id + " unreadable", e);
    }
  }

  /** Waits until worker {@code id} beats with an incarnation above {@code after}. */
  private static void awaitIncarnation(Cluster c, String id, long after) {
    Path hb = c.layout.heartbeat(id);
    Await.until(
        Duration.ofSeconds(90),
        "worker " + id + " beats with an incarnation above " + after,
        () -> Files.exists(hb) && incarnation(c, id) > after);
  }

  /** How many lines of the coordinators' logs contain {@code event}. */
  private static long logLines(Cluster c, String event) throws IOException {
    long n = 0;
    for (Cluster.Daemon d : c.daemons()) {
      if (d.name().startsWith("coordinator") && Files.exists(d.log())) {
        try (Stream<String> lines = Files.lines(d.log())) {
          n += lines.filter(l -> l.contains(event)).count();
        }
      }
    }
    return n;
  }

  /** Lost or handed-back attempts of a worker incarnation not in {@code killed}. */
  private static List<String> lostAttemptsNotOf(SpoolLayout layout, Set<String> killed)
      throws IOException, InvalidInputException {
    List<String> out = new ArrayList<>();
    try (DirectoryStream<Path> s = Files.newDirectoryStream(layout.results(), "*~[0-9]*.json")) {
      for (Path p : s) {
        if (p.getFileName().toString().endsWith(".stale.json")) {
          continue;
        }
        AttemptResult r = SpoolJson.read(p.toString(), Files.readAllBytes(p), AttemptResult.class);
        Outcome.Kind k = r.outcome().kind();
        boolean lost = k == Outcome.Kind.LOST || k == Outcome.Kind.HANDED_BACK;
        if (lost && !killed.contains(r.worker() + "~" + r.incarnation())) {
          out.add(p.getFileName() + " " + r.outcome());
        }
      }
    }
    return out;
  }
}
