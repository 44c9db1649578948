package dev.spool.deploy.lanes;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.spool.deploy.SpoolMain;
import dev.spool.protocol.InvalidInputException;
import dev.spool.protocol.heartbeat.Heartbeat;
import dev.spool.protocol.json.SpoolJson;
import dev.spool.protocol.result.AttemptResult;
import dev.spool.protocol.spool.TaskState;
import dev.spool.protocol.testing.Await;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * How a worker moves along a chain besides cooldowns: a lane that keeps failing opens its circuit
 * breaker, and a lane whose score (here: latency far over the target) falls below the routing
 * threshold is passed over, and a lane whose health check fails is never chosen; later tasks take
 * the next lane. Also: {@code spool lanes} counts the accounts in use by running attempts.
 */
@Timeout(60)
class BreakerFallbackTest {
  private static final Duration WAIT = Duration.ofSeconds(30);

  @TempDir Path dir;
  private LaneFleet fleet;

  @BeforeEach
  void setUp() throws Exception {
    fleet = new LaneFleet(dir);
  }

  @AfterEach
  void tearDown() {
    fleet.close();
  }

  @Test
  void aFailingLaneOpensItsBreakerAndTasksFallBack() throws Exception {
    fleet.routing("types:\n  review: [flaky, steady]\n");
    fleet.worker(
        "w1",
        "lanes:\n  flaky: {argv: ["
            + fleet.cli("fails.sh")
            + "], concurrency: 1, breaker: {failures: 2, cool_off: 60}}\n"
            + "  steady: {argv: ["
            + fleet.cli("answer.sh")
            + ", steady, \"0\"], answer: {json: response}}\n");
    for (int i = 1; i <= 2; i++) {
      String id = "f" + i;
      fleet.submit(LaneFleet.prompt(id, "review", "x"));
      Await.until(WAIT, id + " failed", () -> fleet.failed(id, 1));
      assertEquals("flaky", fleet.result(id, 1).orElseThrow().lane());
    }
    fleet.submit(LaneFleet.prompt("f3", "review", "x"));
    Await.until(WAIT, "f3 done", () -> fleet.in(TaskState.DONE, "f3"));
    assertEquals("steady", fleet.result("f3", 1).orElseThrow().lane(), "the breaker is open");

    JsonNode flaky = lanesRow("flaky");
    JsonNode b = flaky.get("breakers").get(0);
    assertEquals("w1", b.get("worker").asText());
    assertEquals("open", b.get("state").asText(), flaky.toString());
    assertEquals(2, b.get("failures_in_a_row").asInt());
    assertTrue(lanesText().contains("open w1"), lanesText());
    assertEquals("closed", lanesRow("steady").get("breaker_text").asText());
    assertTrue(lanesRow("steady").get("latency_seconds").isNumber());
  }

  @Test
  void aWorkerScoresARemoteLaneByTheFleetsLatency() throws Exception {
    fleet.routing(
        "types:\n  review: [slowlane, quick]\n"
            + "scoring: {quota: 40, latency: 30, context: 30, threshold: 80, latency_target: 0.2}\n");
    String answer = fleet.cli("answer.sh");
    String lanes =
        "lanes:\n  slowlane: {argv: ["
            + answer
            + ", slowlane, \"1\"], answer: {json: response}}\n  quick: {argv: ["
            + answer
            + ", quick, \"0\"], answer: {json: response}}\n";
    var w1 = fleet.worker("w1", lanes);
    fleet.submit(LaneFleet.prompt("t1", "review", "x"));
    Await.until(WAIT, "t1 done", () -> fleet.in(TaskState.DONE, "t1"));
    assertEquals("slowlane", fleet.result("t1", 1).orElseThrow().lane(), "no latency known yet");
    w1.close();
    fleet.worker("w2", lanes);
    fleet.submit(LaneFleet.prompt("t2", "review", "x"));
    Await.until(WAIT, "t2 done", () -> fleet.in(TaskState.DONE, "t2"));
    AttemptResult t2 = fleet.result("t2", 1).orElseThrow();
    assertEquals("w2", t2.worker());
    assertEquals(
        "quick", t2.lane(), "w2 never ran slowlane but knows w1 measured about 1 s (> 0.2 s)");
    assertTrue(lanesRow("slowlane").get("latency_seconds").asDouble() >= 1.0);
  }

  private String lanes(String... extra) {
    CommandLine cl = SpoolMain.commandLine(Clock.systemUTC());
    StringWriter out = new StringWriter();
    cl.setOut(new PrintWriter(out));
    List<String> args =
        new java.util.ArrayList<>(List.of("lanes", "--spool=" + fleet.layout.root()));
    args.addAll(List.of(extra));
    assertEquals(0, cl.execute(args.toArray(new String[0])));
    return out.toString();
  }

  private String lanesText() {
    return lanes();
  }

  private JsonNode lanesRow(String lane) throws IOException {
    for (JsonNode row : new ObjectMapper().readTree(lanes("--json")).get("lanes")) {
      if (row.get("lane").asText().equals(lane)) {
        return row;
      }
    }
    throw new AssertionError("no row for lane " + lane + ": " + lanes("--json"));
  }

  @Test
  void aLaneScoringBelowTheThresholdIsPassedOver() throws Exception {
    fleet.routing(
        "types:\n  review: [slowlane, quick]\n"
            + "scoring: {quota: 40, latency: 30, context: 30, threshold: 80, latency_target: 0.2}\n");
    String answer = fleet.cli("answer.sh");
    fleet.worker(
        "w1",
        "lanes:\n  slowlane: {argv: ["
            + answer
            + ", slowlane, \"1\"], answer: {json: response}}\n  quick: {argv: ["
            + answer
            + ", quick, \"0\"], answer: {json: response}}\n");
    fleet.submit(LaneFleet.prompt("t1", "review", "x"));
    Await.until(WAIT, "t1 done", () -> fleet.in(TaskState.DONE, "t1"));
    assertEquals("slowlane", fleet.result("t1", 1).orElseThrow().lane(), "no latency known yet");
    fleet.submit(LaneFleet.prompt("t2", "review", "x"));
    Await.until(WAIT, "t2 done", () -> fleet.in(TaskState.DONE, "t2"));
    assertEquals("quick", fleet.result("t2", 1).orElseThrow().lane(), "1 s >> 0.2 s target");
  }

  @Test
  void aLaneWhoseHealthCheckFailsIsNotChosen() throws Exception {
    fleet.routing("types:\n  review: [sick, checked]\n");
    String answer = fleet.cli("answer.sh");
    fleet.worker(
        "w1",
        "lanes:\n  sick: {argv: ["
            + answer
            + ", sick, \"0\"], health_check: {argv: [/bin/false]}}\n  checked: {argv: ["
            + answer
            + ", checked, \"0\"], health_check: {argv: [/bin/true], every: 1}}\n");
    for (int i = 1; i <= 3; i++) {
      fleet.submit(LaneFleet.prompt("h" + i, "review", "x"));
    }
    Await.until(WAIT, "h1..h3 done", () -> fleet.count(TaskState.DONE) == 3);
    for (int i = 1; i <= 3; i++) {
      assertEquals("checked", fleet.result("h" + i, 1).orElseThrow().lane());
    }
    Await.until(
        WAIT,
        "the heartbeat offers only the healthy lane",
        () -> List.of("checked").equals(heartbeatLanes("w1")));
  }

  @Test
  void routingAddedWhileTasksWaitIsPickedUp() throws Exception {
    fleet.worker("w1", "lanes:\n  late: {argv: [" + fleet.cli("answer.sh") + ", late, \"0\"]}\n");
    fleet.submit(LaneFleet.prompt("l1", "review", "x"));
    long seq = heartbeatSeq("w1");
    Await.until(WAIT, "a few dispatcher passes", () -> heartbeatSeq("w1") >= seq + 3);
    assertEquals(0, fleet.count(TaskState.DONE), "no routing yet: no lane for type review");
    fleet.routing("types:\n  review: [late]\n");
    Await.until(WAIT, "l1 done once routed", () -> fleet.in(TaskState.DONE, "l1"));
    assertEquals("late", fleet.result("l1", 1).orElseThrow().lane());
  }

  private Heartbeat heartbeat(String worker) {
    Path p = fleet.layout.heartbeat(worker);
    try {
      return SpoolJson.read(p.toString(), Files.readAllBytes(p), Heartbeat.class);
    } catch (IOException | InvalidInputException e) {
      throw new IllegalStateException(e);
    }
  }

  private List<String> heartbeatLanes(String worker) {
    return heartbeat(worker).lanes();
  }

  private long heartbeatSeq(String worker) {
    return heartbeat(worker).seq();
  }

  @Test
  void spoolLanesCountsAccountsInUse() throws Exception {
    fleet.routing("types:\n  slow: [slow]\n");
    fleet.worker("w1", "lanes:\n  slow: {argv: [" + fleet.cli("waits-forever.sh") + "]}\n");
    fleet.submit(LaneFleet.prompt("s1", "slow", "x"));
    Await.until(WAIT, "s1 runs", () -> Files.exists(fleet.layout.laneLog("s1", 1)));
    CommandLine cl = SpoolMain.commandLine(Clock.systemUTC());
    StringWriter out = new StringWriter();
    cl.setOut(new PrintWriter(out));
    assertEquals(0, cl.execute("lanes", "--spool=" + fleet.layout.root(), "--json"));
    JsonNode row = new ObjectMapper().readTree(out.toString()).get("lanes").get(0);
    assertEquals("slow", row.get("lane").asText());
    assertEquals("default", row.get("account").asText());
    assertEquals(1, row.get("in_use").asInt());
  }
}
