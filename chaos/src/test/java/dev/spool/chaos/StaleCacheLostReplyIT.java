package dev.spool.chaos;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.spool.protocol.spool.TaskState;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Scenario 4, the NFS lost reply and stale caches: the spool is seen by two "hosts", two mounts of
 * the same backing directory through {@code stalefs.py}, a FUSE file system that performs a rename
 * and then reports ENOENT with some probability and serves attributes and listings from snapshots
 * up to {@link #STALE} old (another host's changes are seen late). One worker runs on each mount in
 * polling mode ({@code watch: false}, as on NFS, where inotify does not see other clients), the
 * coordinator on the first mount; the tasks are submitted straight into the backing directory. 300
 * tasks succeed, 10 always fail and end in dead/ after their retries.
 *
 * <p>Nothing may be stranded (every task reaches its terminal state) and nothing may run twice: no
 * fault here kills anyone, so the anomalies must not cost an execution (a failing task runs exactly
 * its {@code max_retries + 1} times). The counts of injected anomalies are asserted non-zero for
 * each kind, so the faults did fire. Skips with the reason only when FUSE is unavailable (no
 * /dev/fuse, no python3-fusepy, no unmount command, or a mount that cannot be made).
 */
@Timeout(180)
class StaleCacheLostReplyIT {
  static final Duration STALE = Duration.ofSeconds(2);
  static final double LOST_REPLY = 0.05;
  static final int MAX_RETRIES = 2;

  @TempDir Path tmp;
  private Scenario scenario;
  private final List<StaleFsMount> mounts = new ArrayList<>();

  @AfterEach
  void cleanUp() throws Exception {
    try {
      if (scenario != null) {
        scenario.close();
      }
    } finally {
      for (StaleFsMount m : mounts) {
        m.unmount();
      }
    }
  }

  @Test
  void lostRenameRepliesAndStaleCachesStrandNothingAndRunNothingTwice() throws Exception {
    Optional<String> why = StaleFsMount.unavailable();
    Assumptions.assumeTrue(why.isEmpty(), () -> "FUSE unavailable: " + why.orElse(""));
    long seed = Long.getLong("spool.chaos.seed", System.nanoTime());
    scenario = new Scenario("nfs-lost-reply-stale-cache", tmp);
    Cluster c = scenario.cluster;
    c.writeWorkerConfig("watch: false");
    // Liveness is not under test here: a generous dead_after keeps a slow FUSE from faking a death.
    c.deadAfter = Duration.ofSeconds(10);
    Path hostA = mount("host-a", seed);
    Path hostB = mount("host-b", seed + 1);

    int n = Size.pick(300, 2000);
    scenario.workload.succeeding("t", n, Duration.ofMillis(20));
    // A few tasks that always fail take the coordinator's retry path (failed/ to scheduled/ to
    // pending/) through the first mount's anomalies too, and end in dead/.
    List<String> failing = new ArrayList<>();
    for (int i = 0; i < 10; i++) {
      failing.add(scenario.workload.failing(String.format("f%05d", i), MAX_RETRIES));
    }
    long t0 = System.nanoTime();
    c.start("coordinator", Map.of(), List.of(), Map.of(), coordinatorArgs(c, hostA));
    c.start("w1", Map.of(), List.of(), Map.of(), workerArgs(c, hostA, "w1"));
    c.start("w2", Map.of(), List.of(), Map.of(), workerArgs(c, hostB, "w2"));
    scenario.settle(Duration.ofSeconds(120));
    double drained = (System.nanoTime() - t0) / 1e9;
    for (Cluster.Daemon d : c.daemons()) {
      assertTrue(d.alive(), d.name() + " exited early:\n" + c.tail(d));
    }

    c.stopAll();
    int handedBack = 0;
    for (Cluster.Daemon d : c.daemons()) {
      handedBack += count(d.log(), "orphan_claim_handed_back");
    }
    Map<String, Long> anomalies = new TreeMap<>();
    for (StaleFsMount m : mounts) {
      m.unmount();
      m.counts().forEach((k, v) -> anomalies.merge(k, v, Long::sum));
    }
    long injected =
        anomalies.get("lost_replies")
            + anomalies.get("stale_attrs")
            + anomalies.get("stale_listings");
    for (long i = 0; i < Math.min(injected, Integer.MAX_VALUE); i++) {
      scenario.fault();
    }
    Invariants.Report r =
        scenario.finish(
            String.format(
                "seed=%d lost_replies=%d stale_attrs=%d stale_listings=%d renames=%d"
                    + " orphan_claims_handed_back=%d drained=%.1fs",
                seed,
                anomalies.get("lost_replies"),
                anomalies.get("stale_attrs"),
                anomalies.get("stale_listings"),
                anomalies.get("renames"),
                handedBack,
                drained));
    assertEquals(n, r.states().get(TaskState.DONE), "every task done: " + r.states());
    assertEquals(
        failing.size(), r.states().get(TaskState.DEAD), "failing tasks dead: " + r.states());
    Map<String, List<Integer>> runs = scenario.workload.runs();
    assertEquals(n + failing.size(), runs.size(), "every task ran");
    runs.forEach(
        (id, ran) ->
            assertEquals(
                failing.contains(id) ? MAX_RETRIES + 1 : 1,
                ran.size(),
                id + " ran as often as its policy says, no more: ran " + ran));
    // Nobody died: every attempt recorded lost is a claim that a lost reply orphaned and its
    // worker handed back without running it.
    assertEquals(handedBack, r.lostAttempts(), "lost attempts are the orphaned claims");
    assertTrue(anomalies.get("lost_replies") > 0, "no lost reply injected: " + anomalies);
    assertTrue(anomalies.get("stale_attrs") > 0, "no stale attribute served: " + anomalies);
    assertTrue(anomalies.get("stale_listings") > 0, "no stale listing served: " + anomalies);
  }

  private static int count(Path log, String event) throws IOException {
    try (Stream<String> lines = Files.lines(log)) {
      return (int) lines.filter(l -> l.contains(event)).count();
    }
  }

  /** Mounts the spool's backing directory as one host sees it; the mount's spool root. */
  private Path mount(String name, long seed) throws IOException {
    Path backing = scenario.cluster.layout.root();
    StaleFsMount m;
    try {
      m =
          StaleFsMount.mount(
              backing, tmp.resolve("mnt"), name, LOST_REPLY, STALE, seed, "spool.json");
    } catch (IOException e) {
      // /dev/fuse and fusepy are there but the kernel refused the mount (no privilege for it).
      Assumptions.abort("FUSE mount refused: " + e.getMessage());
      throw e;
    }
    mounts.add(m);
    return m.mountpoint;
  }

  private static List<String> workerArgs(Cluster c, Path spool, String id) {
    return List.of(
        "worker",
        "--spool",
        spool.toString(),
        "--id",
        id,
        "--slots",
        "2",
        "--config",
        c.workerConfig.toString(),
        "--allow-argv");
  }

  private static List<String> coordinatorArgs(Cluster c, Path spool) {
    return List.of(
        "coordinator",
        "--spool",
        spool.toString(),
        "--interval",
        "100ms",
        "--dead-after",
        c.deadAfter.toMillis() + "ms",
        "--lease-timeout",
        "2s");
  }
}
