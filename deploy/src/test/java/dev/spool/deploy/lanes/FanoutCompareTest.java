package dev.spool.deploy.lanes;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.spool.deploy.SpoolMain;
import dev.spool.protocol.spool.TaskState;
import dev.spool.protocol.testing.Await;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * {@code spool submit --fanout} sends one prompt to three lanes; {@code spool compare} shows them.
 */
@Timeout(60)
class FanoutCompareTest {
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
  void onePromptToThreeLanesGivesThreeResultsComparedTogether() throws Exception {
    String answer = fleet.cli("answer.sh");
    fleet.worker(
        "w1",
        "lanes:\n"
            + "  opencode: {argv: ["
            + answer
            + ", opencode, \"0.1\"], answer: {json: response}, usage: {input_tokens: {json:"
            + " stats.input_tokens}, output_tokens: {json: stats.output_tokens}}}\n"
            + "  gemini: {argv: ["
            + answer
            + ", gemini, \"0.3\"], answer: {json: response}}\n"
            + "  qwen: {argv: ["
            + fleet.cli("usage-cost.sh")
            + "], answer: {json: result}, usage: {cost_usd: {json: total_cost_usd}}}\n");
    String ids =
        spool(
            0, "submit", "--fanout", "opencode,gemini,qwen", "--group", "cmp1", "--prompt", "2+2?");
    assertEquals("cmp1.opencode\ncmp1.gemini\ncmp1.qwen\n", ids);
    Await.until(Duration.ofSeconds(30), "3 done", () -> fleet.count(TaskState.DONE) == 3);

    String text = spool(0, "compare", "cmp1");
    assertTrue(text.contains("[opencode] answer to: 2+2?"), text);
    assertTrue(text.contains("[gemini] answer to: 2+2?"), text);
    assertTrue(text.contains("42 is the answer"), text);
    assertTrue(text.contains("cost $0.0123"), text);

    JsonNode json = new ObjectMapper().readTree(spool(0, "compare", "cmp1", "--json"));
    assertEquals("cmp1", json.get("group").asText());
    List<String> lanes = new ArrayList<>();
    for (JsonNode t : json.get("tasks")) {
      lanes.add(t.get("lane").asText());
      assertEquals("done", t.get("state").asText());
      assertEquals("succeeded", t.get("classification").asText());
      assertTrue(t.get("duration_seconds").asDouble() > 0);
    }
    assertEquals(List.of("cmp1.gemini", "cmp1.opencode", "cmp1.qwen").size(), lanes.size());
    assertTrue(lanes.containsAll(List.of("opencode", "gemini", "qwen")));
    assertEquals(4, json.get("tasks").get(1).get("usage").get("input_tokens").asInt());
    spool(1, "compare", "nosuchgroup");
  }

  private String spool(int exit, String... args) {
    CommandLine cl = SpoolMain.commandLine(Clock.systemUTC());
    StringWriter out = new StringWriter();
    cl.setOut(new PrintWriter(out));
    cl.setErr(new PrintWriter(new StringWriter()));
    List<String> all = new ArrayList<>(List.of(args));
    all.add(1, "--spool=" + fleet.layout.root());
    assertEquals(exit, cl.execute(all.toArray(new String[0])), out.toString());
    return out.toString();
  }
}
