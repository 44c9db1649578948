package dev.spool.deploy.lanes;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.spool.deploy.SpoolMain;
import dev.spool.protocol.spool.TaskState;
import dev.spool.protocol.testing.Await;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * A lane that keeps failing opens its circuit breaker and later tasks take the next lane of their
 * chain; {@code spool lanes} counts the accounts in use by running attempts.
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
