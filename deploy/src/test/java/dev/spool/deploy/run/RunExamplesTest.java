package dev.spool.deploy.run;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.spool.deploy.SpoolMain;
import dev.spool.protocol.json.SpoolJson;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * Every shipped example, run with {@code spool run} in-process, gives the summary
 * examples/README.md states.
 */
@Timeout(120)
class RunExamplesTest {
  private static final Path EXAMPLES = Path.of("..", "examples");

  @TempDir Path tmp;

  record Run(int exit, JsonNode report, String out) {}

  private Run run(String example, String... extra) throws Exception {
    Path report = tmp.resolve(example + ".report.json");
    List<String> args =
        new ArrayList<>(
            List.of(
                "run",
                EXAMPLES.resolve(example + ".json").toString(),
                "--spool",
                tmp.resolve("spool").toString(),
                "--report",
                report.toString()));
    args.addAll(List.of(extra));
    CommandLine cl = SpoolMain.commandLine(Clock.systemUTC());
    StringWriter out = new StringWriter();
    cl.setOut(new PrintWriter(out));
    cl.setErr(new PrintWriter(new StringWriter()));
    int exit = cl.execute(args.toArray(new String[0]));
    return new Run(exit, SpoolJson.mapper().readTree(Files.readAllBytes(report)), out.toString());
  }

  private static Map<String, JsonNode> byTask(JsonNode report) {
    Map<String, JsonNode> m = new java.util.LinkedHashMap<>();
    report.get("results").forEach(r -> m.put(r.get("task_id").asText(), r));
    return m;
  }

  @Test
  void pipelineRunsItsDependenciesToSuccess() throws Exception {
    Run r = run("pipeline");
    assertEquals(0, r.exit(), r.out());
    assertEquals("success", r.report().get("status").asText());
    assertEquals(6, r.report().get("summary").get("successful").asInt());
    assertTrue(
        byTask(r.report()).get("build").get("output").asText().startsWith("built from r"),
        "the task saw its own id");
    assertTrue(r.out().contains("success: 6 of 6 succeeded"), r.out());
  }

  @Test
  void retryEndsPartialWithTheFlakyTaskDoneOnAttemptThree() throws Exception {
    Run r = run("retry");
    assertEquals(1, r.exit());
    assertEquals("partial", r.report().get("status").asText());
    Map<String, JsonNode> t = byTask(r.report());
    assertEquals("done", t.get("flaky").get("state").asText());
    assertEquals(3, t.get("flaky").get("attempts").asInt());
    assertEquals("dead", t.get("always-fails").get("state").asText());
    assertEquals(2, t.get("always-fails").get("attempts").asInt(), "1 + max_retries");
    assertTrue(
        t.get("always-fails").get("error").asText().startsWith("max_retries"),
        t.get("always-fails").toString());
  }

  @Test
  void timeoutStopsTheHangingAndTheQuietTask() throws Exception {
    Run r = run("timeout");
    assertEquals("partial", r.report().get("status").asText());
    Map<String, JsonNode> t = byTask(r.report());
    assertEquals("done", t.get("quick").get("state").asText());
    assertTrue(
        t.get("hangs").get("error").asText().contains("timed_out"), t.get("hangs").toString());
    assertTrue(
        t.get("goes-quiet").get("error").asText().contains("idle_timed_out"),
        t.get("goes-quiet").toString());
  }

  @Test
  void prioritiesRunHighestFirstOnOneSlot() throws Exception {
    Run r = run("priorities");
    assertEquals(0, r.exit());
    String spool = r.report().get("spool").asText();
    List<String> order = new ArrayList<>();
    List<String[]> started = new ArrayList<>();
    for (JsonNode res : r.report().get("results")) {
      JsonNode attempt =
          SpoolJson.mapper()
              .readTree(
                  Path.of(spool, "results", res.get("spool_id").asText() + "~1.json").toFile());
      started.add(new String[] {attempt.get("started_at").asText(), res.get("task_id").asText()});
    }
    started.sort((a, b) -> a[0].compareTo(b[0]));
    started.forEach(s -> order.add(s[1]));
    assertEquals("urgent", order.get(0), order.toString());
    assertEquals("normal", order.get(1), order.toString());
  }

  @Test
  void fanoutRunsEightShardsThenTheJoin() throws Exception {
    Run r = run("fanout");
    assertEquals(0, r.exit());
    assertEquals(10, r.report().get("summary").get("successful").asInt());
  }

  @Test
  void theSameBatchRunsAgainInTheSameSpool() throws Exception {
    assertEquals(0, run("pipeline").exit());
    Run again = run("pipeline");
    assertEquals(0, again.exit(), again.out());
    assertEquals(6, again.report().get("summary").get("successful").asInt());
  }

  @Test
  void anInvalidBatchIsRefusedWithTheTaskAndField() throws Exception {
    Path bad = tmp.resolve("bad.json");
    Files.writeString(
        bad,
        "{\"tasks\":[{\"task_id\":\"a\",\"argv\":[\"true\"],\"dependencies\":[\"missing\"]}]}");
    CommandLine cl = SpoolMain.commandLine(Clock.systemUTC());
    StringWriter err = new StringWriter();
    cl.setErr(new PrintWriter(err));
    cl.setOut(new PrintWriter(new StringWriter()));
    assertEquals(2, cl.execute("run", bad.toString(), "--spool", tmp.resolve("s2").toString()));
    assertTrue(
        err.toString().contains("task a") && err.toString().contains("missing"), err.toString());
  }

  @Test
  void aMissingProgramEndsInDeadAfterOneAttempt() throws Exception {
    Path batch = tmp.resolve("missing.json");
    Files.writeString(
        batch,
        "{\"tasks\":[{\"id\":\"ghost\",\"argv\":[\"/nonexistent/tool\"],\"max_retries\":5}]}");
    Path report = tmp.resolve("missing.report.json");
    CommandLine cl = SpoolMain.commandLine(Clock.systemUTC());
    cl.setOut(new PrintWriter(new StringWriter()));
    cl.setErr(new PrintWriter(new StringWriter()));
    assertEquals(
        1,
        cl.execute(
            "run",
            batch.toString(),
            "--spool",
            tmp.resolve("spool").toString(),
            "--report",
            report.toString()));
    JsonNode ghost = SpoolJson.mapper().readTree(Files.readAllBytes(report)).get("results").get(0);
    assertEquals("dead", ghost.get("state").asText());
    assertEquals(1, ghost.get("attempts").asInt(), "a fatal launch failure is not retried");
    assertTrue(ghost.get("error").asText().startsWith("fatal"), ghost.toString());
  }
}
