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

  @Test
  void aFollowUpTaskContinuesTheSessionItsPredecessorRecorded() throws Exception {
    fleet.worker(
        "w1",
        "lanes:\n  chat:\n    argv: ["
            + fleet.cli("session.sh")
            + ", -p, \"{session_args}\"]\n    answer: {json: result}\n"
            + "    session_id: {json: session_id}\n    session_args: [--resume, \"{session_id}\"]\n");
    assertEquals(
        "c1\n",
        spool(0, "submit", "--id", "c1", "--lane", "chat", "--type", "chat", "--prompt", "hi"));
    Await.until(Duration.ofSeconds(30), "c1 done", () -> fleet.in(TaskState.DONE, "c1"));
    assertEquals("args:-p", java.nio.file.Files.readString(fleet.layout.answerLog("c1", 1)));
    assertEquals("sess-7f3a", fleet.result("c1", 1).orElseThrow().sessionId());
    spool(0, "submit", "--id", "c2", "--type", "chat", "--continue", "c1", "--prompt", "and then?");
    Await.until(Duration.ofSeconds(30), "c2 done", () -> fleet.in(TaskState.DONE, "c2"));
    assertEquals("chat", fleet.result("c2", 1).orElseThrow().lane(), "the lane of c1");
    assertEquals(
        "args:-p --resume sess-7f3a",
        java.nio.file.Files.readString(fleet.layout.answerLog("c2", 1)));
    spool(2, "submit", "--id", "c3", "--type", "chat", "--continue", "nosuchtask", "--prompt", "x");
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
