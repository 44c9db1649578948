package dev.spool.deploy.lanes;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.spool.protocol.result.AttemptResult;
import dev.spool.protocol.spool.TaskState;
import dev.spool.protocol.testing.Await;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Two worker JVMs (the real {@code spool worker} in child processes) share one spool and the same
 * two accounts, each limited to 5 requests per window. The window is 3 s here instead of a minute
 * (quota windows are configurable: {@code quotas: [{name, requests, window}]}) so 30 tasks take
 * about 9 s. Checked from the quota request files and the results: every attempt took exactly one
 * request slot of its account, and from the recorded request instants of each account, no interval
 * of 3 s (wherever it starts) holds more than 5.
 */
@Timeout(120)
class QuotaAcrossWorkersIT {
  private static final int TASKS = 30;
  private static final int PER_WINDOW = 5;
  private static final Duration WINDOW = Duration.ofSeconds(3);

  @TempDir Path dir;
  private LaneFleet fleet;
  private final List<Process> children = new ArrayList<>();

  @BeforeEach
  void setUp() throws Exception {
    fleet = new LaneFleet(dir);
  }

  @AfterEach
  void tearDown() throws Exception {
    for (Process p : children) {
      p.destroy();
      if (!p.waitFor(10, TimeUnit.SECONDS)) {
        p.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
      }
    }
    fleet.close();
  }

  private Process worker(String id) throws IOException {
    Path config = dir.resolve(id + ".yaml");
    String quota = "quotas: [{name: burst, requests: " + PER_WINDOW + ", window: 3}]";
    Files.writeString(
        config,
        "spool: "
            + fleet.layout.root()
            + "\nworker_id: "
            + id
            + "\nslots: 4\nheartbeat_interval: 0.2\nrescan_interval: 0.2\nscratch_dir: "
            + dir.resolve("scratch")
            + "\nlanes:\n  quick:\n    argv: ["
            + fleet.cli("answer.sh")
            + ", quick, \"0.05\"]\n    concurrency: 4\n    answer: {json: response}\n"
            + "    accounts:\n      - {name: acc1, "
            + quota
            + "}\n      - {name: acc2, "
            + quota
            + "}\n");
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    Process p =
        new ProcessBuilder(
                java,
                "-cp",
                System.getProperty("java.class.path"),
                "dev.spool.deploy.SpoolMain",
                "worker",
                "--config",
                config.toString())
            .redirectErrorStream(true)
            .redirectOutput(dir.resolve(id + ".log").toFile())
            .start();
    children.add(p);
    return p;
  }

  @Test
  void noAccountExceedsItsQuotaInAnyWindowAcrossTwoWorkerJvms() throws Exception {
    fleet.routing("types:\n  batch: [quick]\n");
    worker("jvm1");
    worker("jvm2");
    Await.until(
        Duration.ofSeconds(30),
        "both workers heartbeat",
        () ->
            Files.exists(fleet.layout.heartbeat("jvm1"))
                && Files.exists(fleet.layout.heartbeat("jvm2")));
    for (int i = 0; i < TASKS; i++) {
      fleet.submit(LaneFleet.prompt(String.format("q%02d", i), "batch", "prompt " + i));
    }
    Await.until(Duration.ofSeconds(90), "30 done", () -> fleet.count(TaskState.DONE) == TASKS);

    Map<String, Set<String>> attemptsByAccount = new HashMap<>();
    Set<String> workers = new HashSet<>();
    for (int i = 0; i < TASKS; i++) {
      String id = String.format("q%02d", i);
      List<AttemptResult> rs = fleet.results(id);
      assertEquals(1, rs.size(), id + ": " + rs);
      AttemptResult r = rs.get(0);
      assertEquals("quick", r.lane());
      attemptsByAccount.computeIfAbsent(r.account(), a -> new HashSet<>()).add(id + "~1");
      workers.add(r.worker());
    }
    assertEquals(Set.of("acc1", "acc2"), attemptsByAccount.keySet());
    assertEquals(Set.of("jvm1", "jvm2"), workers, "both JVMs ran tasks");

    for (String account : List.of("acc1", "acc2")) {
      Set<String> holders = new HashSet<>();
      List<Instant> times = new ArrayList<>();
      Path requests = fleet.layout.quotaDir("quick", account).resolve("burst~3s");
      List<Path> slots;
      try (Stream<Path> s = Files.list(requests)) {
        slots = s.toList();
      }
      for (Path slot : slots) {
        String[] line = Files.readString(slot).strip().split(" ");
        String attempt = line[0].substring(0, line[0].indexOf('~', line[0].indexOf('~') + 1));
        assertTrue(holders.add(attempt), "one slot per attempt: " + line[0]);
        times.add(Instant.parse(line[line.length - 1]));
      }
      assertEquals(
          attemptsByAccount.get(account), holders, account + ": every attempt took a slot");
      Collections.sort(times);
      // Any 3-second interval holds at most 5 requests <=> any 6 requests span at least 3 s.
      for (int i = 0; i + PER_WINDOW < times.size(); i++) {
        Duration span = Duration.between(times.get(i), times.get(i + PER_WINDOW));
        assertTrue(
            span.compareTo(WINDOW) >= 0,
            account
                + ": requests "
                + i
                + ".."
                + (i + PER_WINDOW)
                + " within "
                + span
                + ": "
                + times);
      }
    }
  }
}
