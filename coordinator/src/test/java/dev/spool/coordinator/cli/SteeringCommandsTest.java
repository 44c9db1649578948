package dev.spool.coordinator.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.spool.protocol.fs.AtomicFiles;
import dev.spool.protocol.fs.FileOps;
import dev.spool.protocol.json.SpoolJson;
import dev.spool.protocol.spool.Actor;
import dev.spool.protocol.spool.SpoolLayout;
import dev.spool.protocol.spool.TaskMoves;
import dev.spool.protocol.spool.TaskName;
import dev.spool.protocol.spool.TaskState;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

@Timeout(30)
class SteeringCommandsTest {
  private final Clock clock = Clock.fixed(Instant.parse("2026-11-21T12:00:00Z"), ZoneOffset.UTC);

  @TempDir Path tmp;
  private String spool;
  private SpoolLayout layout;
  private TaskMoves moves;

  @BeforeEach
  void init() {
    spool = tmp.resolve("s").toString();
    assertEquals(0, run("init", spool).exit());
    layout = new SpoolLayout(Path.of(spool));
    moves = new TaskMoves(layout, new AtomicFiles(FileOps.real(), layout.tmp(), false));
  }

  private CliRun run(String... args) {
    return CliRun.run(clock, args);
  }

  private JsonNode show(String id) throws Exception {
    return SpoolJson.mapper().readTree(run("show", "--spool", spool, "--json", id).out());
  }

  @Test
  void cancelOfAWaitingTaskEndsItWithANote() throws Exception {
    run("submit", "--spool", spool, "--id", "w", "--", "true");
    CliRun r = run("cancel", "--spool", spool, "--reason", "not needed", "w");
    assertEquals(0, r.exit(), r.err());
    JsonNode j = show("w");
    assertEquals("cancelled", j.get("state").asText());
    assertEquals("cancelled", j.get("end").get("reason").asText());
    assertTrue(j.get("end").get("message").asText().contains("not needed"));
    assertEquals(1, run("cancel", "--spool", spool, "w").exit(), "a second cancel is refused");
  }

  @Test
  void cancelOfARunningTaskLeavesARequestForItsWorker() throws Exception {
    run("submit", "--spool", spool, "--id", "r", "--", "sleep", "100");
    TaskName.Pending p =
        (TaskName.Pending)
            layout
                .parse(
                    TaskState.PENDING,
                    Files.list(layout.dir(TaskState.PENDING))
                        .findFirst()
                        .orElseThrow()
                        .getFileName()
                        .toString())
                .orElseThrow();
    assertTrue(moves.tryClaim(p, "w1", 1).isPresent());
    CliRun r = run("cancel", "--spool", spool, "r");
    assertEquals(0, r.exit(), r.err());
    assertTrue(Files.exists(layout.cancelRequest("r")));
    assertEquals("claimed", show("r").get("state").asText());
  }

  @Test
  void holdAndReleaseRoundTrip() throws Exception {
    run("submit", "--spool", spool, "--id", "h", "--", "true");
    assertEquals(0, run("hold", "--spool", spool, "h").exit());
    assertEquals("held", show("h").get("state").asText());
    assertEquals(1, run("hold", "--spool", spool, "h").exit(), "holding a held task is refused");
    assertEquals(0, run("release", "--spool", spool, "h").exit());
    assertEquals("pending", show("h").get("state").asText());
  }

  @Test
  void retryBringsADeadTaskBackWithTheNextAttempt() throws Exception {
    run("submit", "--spool", spool, "--id", "d", "--", "false");
    TaskName.Pending p =
        (TaskName.Pending)
            layout
                .parse(
                    TaskState.PENDING,
                    Files.list(layout.dir(TaskState.PENDING))
                        .findFirst()
                        .orElseThrow()
                        .getFileName()
                        .toString())
                .orElseThrow();
    TaskName.Claimed c = moves.tryClaim(p, "w1", 1).orElseThrow();
    assertTrue(moves.tryMove(c, new TaskName.Parked(TaskState.FAILED, "d", 1), Actor.WORKER));
    assertTrue(
        moves.tryMove(
            new TaskName.Parked(TaskState.FAILED, "d", 1),
            new TaskName.Terminal(TaskState.DEAD, "d"),
            Actor.COORDINATOR));
    Files.writeString(
        layout.result("d", 1),
        "{\"task_id\":\"d\",\"attempt\":1,\"outcome\":{\"kind\":\"failed\",\"exit_code\":1},\"finished_at\":\"2026-11-21T11:00:00Z\"}");
    CliRun r = run("retry", "--spool", spool, "d");
    assertEquals(0, r.exit(), r.err());
    JsonNode j = show("d");
    assertEquals("pending", j.get("state").asText());
    assertEquals(1, j.get("attempts").size());
    String pendingName =
        Files.list(layout.dir(TaskState.PENDING))
            .findFirst()
            .orElseThrow()
            .getFileName()
            .toString();
    assertTrue(pendingName.endsWith("~d~2.json"), pendingName);
  }

  @Test
  void unknownIdsExitOne() {
    assertEquals(1, run("cancel", "--spool", spool, "ghost").exit());
    assertEquals(1, run("retry", "--spool", spool, "ghost").exit());
  }

  @Test
  void requeueHandsADeadWorkersClaimsBackAsLost() throws Exception {
    run("submit", "--spool", spool, "--id", "z", "--", "sleep", "100");
    TaskName.Pending p =
        (TaskName.Pending)
            layout
                .parse(
                    TaskState.PENDING,
                    Files.list(layout.dir(TaskState.PENDING))
                        .findFirst()
                        .orElseThrow()
                        .getFileName()
                        .toString())
                .orElseThrow();
    assertTrue(moves.tryClaim(p, "gone", 4).isPresent());
    CliRun r = run("requeue", "--spool", spool, "--worker", "gone");
    assertEquals(0, r.exit(), r.out() + r.err());
    JsonNode j = show("z");
    assertEquals("pending", j.get("state").asText());
    assertEquals("lost", j.get("attempts").get(0).get("outcome").asText());
    String name =
        Files.list(layout.dir(TaskState.PENDING))
            .findFirst()
            .orElseThrow()
            .getFileName()
            .toString();
    assertTrue(name.endsWith("~z~2.json"), name);
  }
}
