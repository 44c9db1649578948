package dev.spool.protocol.spool;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.spool.protocol.fs.AtomicFiles;
import dev.spool.protocol.fs.FileOps;
import dev.spool.protocol.task.Task;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestReporter;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Eight worker JVMs race to claim 10,000 pending tasks on one real spool. Global invariants: every
 * task claimed exactly once, by the worker that reported it; nothing left in pending/, nothing
 * lost. Prints and appends to {@code target/claim-race.txt} the claims per second (from {@code go}
 * until the last contender exited) and the lost races per claim.
 *
 * <p>{@code -Dspool.claimRace.fsync=false} measures the race without directory fsyncs; {@code
 * -Dspool.claimRace.batch=N} changes how many names a contender takes per listing (default 64);
 * {@code -Dspool.claimRace.spread=true} makes each contender start its batch at a different
 * position instead of all trying the same first name.
 */
@Timeout(180)
class ClaimRaceIT {
  private static final int TASKS = 10_000;
  private static final int CHILDREN = 8;
  private static final Instant NOW = Instant.parse("2026-11-21T10:00:00Z");

  @TempDir Path dir;

  @Test
  void everyTaskIsClaimedExactlyOnce(TestReporter reporter) throws Exception {
    SpoolLayout layout = SpoolLayout.create(dir.resolve("spool"), NOW);
    Set<String> ids = publishPending(layout);
    Path barrier = Files.createDirectory(dir.resolve("barrier"));
    boolean fsync = Boolean.parseBoolean(System.getProperty("spool.claimRace.fsync", "true"));
    int batch = Integer.getInteger("spool.claimRace.batch", 64);
    boolean spread = Boolean.getBoolean("spool.claimRace.spread");
    long nanos;
    try (ClaimRaceChildren children =
        ClaimRaceChildren.start(layout, barrier, CHILDREN, batch, fsync, spread)) {
      children.awaitReady(Duration.ofSeconds(90));
      long go = System.nanoTime();
      Files.createFile(barrier.resolve("go"));
      children.awaitExit(Duration.ofSeconds(70));
      nanos = System.nanoTime() - go;
    }

    Tally tally = Tally.read(barrier);
    assertEquals(ids, tally.winner().keySet(), "the union of all claims is every task");
    assertEquals(tally.winner(), claimedOnDisk(layout), "claimed/ holds the reported claims");
    assertEquals(List.of(), names(layout.dir(TaskState.PENDING)), "pending/ is drained");
    report(
        reporter, nanos, tally, String.format("batch=%d fsync=%s spread=%s", batch, fsync, spread));
  }

  /** What the contenders reported: task id to winning worker, lost races, claims per contender. */
  private record Tally(Map<String, String> winner, long lost, List<Integer> perChild) {
    static Tally read(Path barrier) throws IOException {
      Map<String, String> winner = new HashMap<>();
      long lost = 0;
      List<Integer> perChild = new ArrayList<>();
      for (int n = 0; n < CHILDREN; n++) {
        List<String> won = lines(barrier.resolve("claims-" + n + ".txt"));
        perChild.add(won.size());
        for (String id : won) {
          String before = winner.put(id, "w" + n);
          assertEquals(null, before, id + " claimed by both " + before + " and w" + n);
        }
        lost += Long.parseLong(lines(barrier.resolve("lost-" + n + ".txt")).get(0));
      }
      return new Tally(winner, lost, perChild);
    }
  }

  private static Set<String> publishPending(SpoolLayout layout) throws IOException {
    // Setup only: without fsync, since what is measured is the race, not the enqueue.
    TaskMoves moves = new TaskMoves(layout, new AtomicFiles(FileOps.real(), layout.tmp(), false));
    Set<String> ids = new HashSet<>();
    for (int i = 0; i < TASKS; i++) {
      String id = String.format("t-%05d", i);
      long enqueued = NOW.toEpochMilli() + i;
      moves.publish(
          new TaskName.Pending(400 + i % 200, enqueued, id, 1),
          Task.ofArgv(id, NOW, List.of("true")));
      ids.add(id);
    }
    return ids;
  }

  /** Task id to worker, from the names in claimed/. */
  private static Map<String, String> claimedOnDisk(SpoolLayout layout) throws IOException {
    Map<String, String> byId = new HashMap<>();
    for (String name : names(layout.dir(TaskState.CLAIMED))) {
      TaskName.Claimed c =
          (TaskName.Claimed)
              layout.parse(TaskState.CLAIMED, name).orElseThrow(() -> new AssertionError(name));
      assertEquals(null, byId.put(c.id(), c.worker()), "two claims of " + c.id());
    }
    assertEquals(TASKS, byId.size());
    return byId;
  }

  private static void report(TestReporter reporter, long nanos, Tally tally, String settings)
      throws IOException {
    double seconds = nanos / 1e9;
    String line =
        String.format(
            "claim-race at=%s tasks=%d children=%d %s wall_s=%.3f claims_per_s=%.0f"
                + " lost_races_per_claim=%.2f claims_per_child=%s",
            Instant.now(),
            TASKS,
            CHILDREN,
            settings,
            seconds,
            TASKS / seconds,
            (double) tally.lost() / TASKS,
            tally.perChild());
    System.out.println(line);
    reporter.publishEntry("claim-race", line);
    Files.writeString(
        Path.of("target", "claim-race.txt"),
        line + "\n",
        StandardOpenOption.CREATE,
        StandardOpenOption.APPEND);
  }

  private static List<String> lines(Path file) throws IOException {
    return Files.readAllLines(file, StandardCharsets.UTF_8).stream()
        .filter(l -> !l.isEmpty())
        .collect(Collectors.toList());
  }

  private static List<String> names(Path dir) throws IOException {
    try (Stream<Path> s = Files.list(dir)) {
      return s.map(p -> p.getFileName().toString())
          .sorted()
          .collect(Collectors.toCollection(ArrayList::new));
    }
  }
}
