package dev.spool.deploy.lanes;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.spool.protocol.result.AttemptResult;
import dev.spool.protocol.result.Outcome;
import dev.spool.protocol.spool.TaskState;
import dev.spool.protocol.task.Backoff;
import dev.spool.protocol.task.Task;
import dev.spool.protocol.testing.Await;
import java.nio.file.Files;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * A task with {@code input.schema}: the lane passes the schema file to a CLI that accepts one
 * ({@code schema_args}), the worker validates the extracted answer, and an answer that does not
 * match is a {@code failed} attempt that goes through the ordinary retry policy.
 */
@Timeout(60)
class StructuredOutputTest {
  private static final Duration WAIT = Duration.ofSeconds(30);
  private static final ObjectMapper JSON = new ObjectMapper();

  @TempDir java.nio.file.Path dir;
  private LaneFleet fleet;

  @BeforeEach
  void setUp() throws Exception {
    fleet = new LaneFleet(dir);
    fleet.routing("types:\n  judge: [strict]\n  plain: [prose]\n");
    fleet.worker(
        "w1",
        "lanes:\n  strict:\n    argv: ["
            + fleet.cli("structured.sh")
            + ", \"{schema_args}\"]\n    schema_args: [--json-schema-file, \"{schema_file}\"]\n"
            + "  prose:\n    argv: ["
            + fleet.cli("structured.sh")
            + "]\n");
    fleet.coordinator();
  }

  @AfterEach
  void tearDown() {
    fleet.close();
  }

  private static final String VERDICT =
      "{\"type\": \"object\", \"required\": [\"verdict\"],"
          + " \"properties\": {\"verdict\": {\"type\": \"string\"},"
          + " \"score\": {\"type\": \"integer\"}}}";

  private static Task judged(String id, String type, String prompt, int retries) throws Exception {
    return judged(id, type, prompt, retries, VERDICT);
  }

  private static Task judged(String id, String type, String prompt, int retries, String schema)
      throws Exception {
    ObjectNode input = JSON.createObjectNode().put("prompt", prompt);
    input.set("schema", JSON.readTree(schema));
    return Task.builder(id)
        .createdAt(Instant.now())
        .type(type)
        .input(input)
        .maxRetries(retries)
        .backoff(new Backoff(Duration.ZERO, 1.0, Duration.ZERO, 0.0))
        .build();
  }

  @Test
  void aMatchingAnswerSucceedsAndAWrongOneIsRetriedThenDead() throws Exception {
    fleet.submit(judged("good", "judge", "good work", 1));
    fleet.submit(judged("bad", "judge", "bad work", 1));
    fleet.submit(judged("flaky", "judge", "flaky work", 2));
    Await.until(WAIT, "good done", () -> fleet.in(TaskState.DONE, "good"));
    JsonNode answer =
        JSON.readTree(
            Files.readString(fleet.layout.answerLog("good", 1))
                .replace("```json", "")
                .replace("```", ""));
    assertEquals("ok", answer.get("verdict").asText());

    Await.until(WAIT, "flaky done on its retry", () -> fleet.in(TaskState.DONE, "flaky"));
    List<AttemptResult> flaky = fleet.results("flaky");
    assertEquals(2, flaky.size(), flaky.toString());
    assertEquals("failed", flaky.get(0).classification());
    assertTrue(
        flaky.get(0).message().contains("required property 'verdict' not found"),
        flaky.get(0).message());
    assertEquals("succeeded", flaky.get(1).classification());

    Await.until(WAIT, "bad dead after its retry", () -> fleet.in(TaskState.DEAD, "bad"));
    List<AttemptResult> bad = fleet.results("bad");
    assertEquals(2, bad.size(), "one retry, as max_retries says: " + bad);
    for (AttemptResult r : bad) {
      assertEquals("failed", r.classification());
      assertEquals(new Outcome.Failed(0, null), r.outcome());
      assertTrue(r.message().contains("does not match input.schema"), r.message());
    }
  }

  @Test
  void spoolSubmitPutsTheSchemaFileIntoTheTask() throws Exception {
    java.nio.file.Path schema = dir.resolve("verdict.json");
    Files.writeString(schema, VERDICT);
    picocli.CommandLine cl = dev.spool.deploy.SpoolMain.commandLine(java.time.Clock.systemUTC());
    cl.setOut(new java.io.PrintWriter(new java.io.StringWriter()));
    String root = "--spool=" + fleet.layout.root();
    assertEquals(
        0,
        cl.execute(
            "submit",
            root,
            "--id",
            "cli",
            "--type",
            "judge",
            "--prompt",
            "bad",
            "--schema",
            schema.toString(),
            "--max-retries",
            "0"));
    Await.until(WAIT, "cli dead", () -> fleet.in(TaskState.DEAD, "cli"));
    assertTrue(fleet.result("cli", 1).orElseThrow().message().contains("$.verdict"));
    Files.writeString(schema, "[1, 2]");
    cl.setErr(new java.io.PrintWriter(new java.io.StringWriter()));
    assertEquals(
        2,
        cl.execute(
            "submit",
            root,
            "--id",
            "cli2",
            "--type",
            "judge",
            "--prompt",
            "x",
            "--schema",
            schema.toString()),
        "a schema that is not an object is refused at submit");
  }

  @Test
  void aCliWithoutSchemaSupportIsStillCheckedAndProseFails() throws Exception {
    fleet.submit(judged("prose", "plain", "good work", 0));
    Await.until(WAIT, "prose dead", () -> fleet.in(TaskState.DEAD, "prose"));
    AttemptResult r = fleet.result("prose", 1).orElseThrow();
    assertEquals("failed", r.classification());
    assertTrue(r.message().contains("the answer is not JSON"), r.message());
  }

  @Test
  void aTaskWithAnUnusableSchemaIsRefusedBeforeTheCliRuns() throws Exception {
    fleet.submit(judged("broken", "judge", "good", 3, "[\"verdict\"]"));
    Await.until(WAIT, "broken dead", () -> fleet.in(TaskState.DEAD, "broken"));
    AttemptResult r = fleet.result("broken", 1).orElseThrow();
    assertEquals(Outcome.Kind.LAUNCH_FAILED, r.outcome().kind());
    assertTrue(
        ((Outcome.LaunchFailed) r.outcome()).message().contains("input.schema"), r.toString());
    assertNull(fleet.result("broken", 2).orElse(null), "a fatal launch failure is not retried");
  }
}
