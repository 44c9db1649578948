package dev.spool.coordinator.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.spool.protocol.json.SpoolJson;
import dev.spool.protocol.spool.SpoolLayout;
import dev.spool.protocol.spool.TaskState;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

@Timeout(30)
class OperatorCliTest {
  private final Clock clock = Clock.fixed(Instant.parse("2026-11-21T12:00:00Z"), ZoneOffset.UTC);

  @TempDir Path tmp;

  private String spool() {
    return tmp.resolve("spool").toString();
  }

  private CliRun run(String... args) {
    return CliRun.run(clock, args);
  }

  private long count(TaskState s) throws Exception {
    try (Stream<Path> st = Files.list(new SpoolLayout(Path.of(spool())).dir(s))) {
      return st.count();
    }
  }

  @Test
  void initIsIdempotentAndRefusesForeignDirectories() throws Exception {
    assertEquals(0, run("init", spool()).exit());
    assertEquals(0, run("init", spool()).exit());
    Path foreign = tmp.resolve("home");
    Files.createDirectories(foreign);
    Files.writeString(foreign.resolve("notes.txt"), "mine");
    CliRun r = run("init", foreign.toString());
    assertEquals(1, r.exit());
    assertTrue(r.err().contains("not empty"), r.err());
  }

  @Test
  void submitPrintsIdAndPlacesTaskByItsNeeds() throws Exception {
    run("init", spool());
    CliRun a =
        run(
            "submit",
            "--spool",
            spool(),
            "--id",
            "a",
            "--priority",
            "900",
            "--",
            "echo",
            "hi; rm -rf /");
    assertEquals(0, a.exit(), a.err());
    assertEquals("a\n", a.out());
    assertEquals(
        0, run("submit", "--spool", spool(), "--id", "b", "--after", "a:any", "--", "true").exit());
    assertEquals(
        0,
        run("submit", "--spool", spool(), "--id", "c", "--not-before", "+1h", "--", "true").exit());
    assertEquals(1, count(TaskState.PENDING));
    assertEquals(1, count(TaskState.BLOCKED));
    assertEquals(1, count(TaskState.SCHEDULED));

    CliRun show = run("show", "--spool", spool(), "--json", "a");
    assertEquals(0, show.exit(), show.err());
    JsonNode j = SpoolJson.mapper().readTree(show.out());
    assertEquals("pending", j.get("state").asText());
    assertEquals("hi; rm -rf /", j.get("task").get("argv").get(1).asText());
    assertEquals(900, j.get("task").get("priority").asInt());
    assertTrue(j.get("attempts").isArray());
  }

  @Test
  void idempotencyKeyReturnsTheFirstTask() throws Exception {
    run("init", spool());
    CliRun first = run("submit", "--spool", spool(), "--key", "nightly-42", "--", "true");
    CliRun second = run("submit", "--spool", spool(), "--key", "nightly-42", "--", "false");
    assertEquals(first.out(), second.out());
    assertEquals(1, count(TaskState.PENDING));
  }

  @Test
  void statusJsonHasEveryStateAndWorkers() throws Exception {
    run("init", spool());
    run("submit", "--spool", spool(), "--", "true");
    CliRun r = run("status", "--spool", spool(), "--json");
    assertEquals(0, r.exit(), r.err());
    JsonNode j = SpoolJson.mapper().readTree(r.out());
    for (TaskState s : TaskState.values()) {
      assertTrue(j.get("counts").has(s.code()), s.code());
    }
    assertEquals(1, j.get("counts").get("pending").asInt());
    assertTrue(j.get("workers").isArray());
  }

  @Test
  void batchIsValidatedWholeAndErrorsNameTaskAndField() throws Exception {
    run("init", spool());
    Path bad = tmp.resolve("bad.json");
    Files.writeString(
        bad,
        "{\"tasks\":[{\"task_id\":\"x\",\"argv\":[\"true\"]},"
            + "{\"task_id\":\"y\",\"argv\":[\"true\"],\"dependencies\":[\"nope\"]}]}");
    CliRun r = run("submit", "--spool", spool(), "--file", bad.toString());
    assertEquals(2, r.exit());
    assertTrue(
        r.err().contains("task y") && r.err().contains("depends_on[0]") && r.err().contains("nope"),
        r.err());
    assertEquals(0, count(TaskState.PENDING) + count(TaskState.BLOCKED));

    Path cyc = tmp.resolve("cycle.json");
    Files.writeString(
        cyc,
        "{\"tasks\":[{\"id\":\"p\",\"argv\":[\"true\"],\"depends_on\":[\"q\"]},"
            + "{\"id\":\"q\",\"argv\":[\"true\"],\"depends_on\":[\"p\"]}]}");
    CliRun c = run("submit", "--spool", spool(), "--file", cyc.toString());
    assertEquals(2, c.exit());
    assertTrue(c.err().contains("cycle"), c.err());

    Path typo = tmp.resolve("typo.json");
    Files.writeString(
        typo, "{\"tasks\":[{\"id\":\"p\",\"argv\":[\"true\"],\"priority\":\"high\"}]}");
    CliRun t = run("submit", "--spool", spool(), "--file", typo.toString());
    assertEquals(2, t.exit());
    assertTrue(t.err().contains("id p") && t.err().contains("priority"), t.err());
  }

  @Test
  void batchOfJsonLinesIsAcceptedAndPlacedByNeeds() throws Exception {
    run("init", spool());
    Path f = tmp.resolve("batch.jsonl");
    Files.writeString(
        f,
        "{\"id\":\"j1\",\"argv\":[\"true\"]}\n"
            + "{\"id\":\"j2\",\"argv\":[\"true\"],\"depends_on\":[\"j1\"]}\n"
            + "{\"argv\":[\"true\"],\"not_before\":\"2026-11-22T00:00:00Z\"}\n",
        StandardCharsets.UTF_8);
    CliRun r = run("submit", "--spool", spool(), "--file", f.toString());
    assertEquals(0, r.exit(), r.err());
    assertTrue(r.out().startsWith("j1\nj2\nt-"), r.out());
    assertEquals(1, count(TaskState.PENDING));
    assertEquals(1, count(TaskState.BLOCKED));
    assertEquals(1, count(TaskState.SCHEDULED));
  }

  @Test
  void aBatchRerunWithItsKeyCreatesNothingTwice() throws Exception {
    run("init", spool());
    Path f = tmp.resolve("batch.jsonl");
    Files.writeString(
        f, "{\"id\":\"k1\",\"argv\":[\"true\"]}\n{\"argv\":[\"true\"]}\n", StandardCharsets.UTF_8);
    CliRun first = run("submit", "--spool", spool(), "--key", "nightly", "--file", f.toString());
    assertEquals(0, first.exit(), first.err());
    CliRun again = run("submit", "--spool", spool(), "--key", "nightly", "--file", f.toString());
    assertEquals(0, again.exit(), again.err());
    assertEquals(first.out(), again.out(), "the rerun prints the first run's ids");
    assertEquals(2, count(TaskState.PENDING));
    CliRun unkeyed = run("submit", "--spool", spool(), "--file", f.toString());
    assertEquals(2, unkeyed.exit(), "without the key explicit ids in use are refused");
    assertTrue(
        unkeyed.err().contains("k1") && unkeyed.err().contains("already used"), unkeyed.err());
  }

  @Test
  void batchInTaskRunnerShapeIsAccepted() throws Exception {
    run("init", spool());
    Path f = tmp.resolve("runner.json");
    Files.writeString(
        f,
        "{\"tasks\":[{\"task_id\":\"gen\",\"agent\":\"coder\",\"description\":\"make it\","
            + "\"input_data\":{\"k\":1},\"dependencies\":[]},"
            + "{\"task_id\":\"check\",\"agent\":\"debug\",\"dependencies\":[\"gen\"]}],"
            + "\"config\":{\"max_workers\":3,\"timeout_seconds\":300}}",
        StandardCharsets.UTF_8);
    CliRun r = run("submit", "--spool", spool(), "--file", f.toString());
    assertEquals(0, r.exit(), r.err());
    assertEquals("gen\ncheck\n", r.out());
    JsonNode gen =
        SpoolJson.mapper().readTree(run("show", "--spool", spool(), "--json", "gen").out());
    assertEquals("coder", gen.get("task").get("type").asText());
    assertEquals(300, gen.get("task").get("timeout").asInt());
    assertEquals("make it", gen.get("task").get("metadata").get("description").asText());
    assertEquals(1, count(TaskState.BLOCKED));
  }

  @Test
  void listFiltersByStateAndLabel() throws Exception {
    run("init", spool());
    run("submit", "--spool", spool(), "--id", "l1", "--label", "team=a", "--", "true");
    run("submit", "--spool", spool(), "--id", "l2", "--label", "team=b", "--", "true");
    CliRun r = run("list", "--spool", spool(), "--state", "pending", "--label", "team=b", "--json");
    assertEquals(0, r.exit(), r.err());
    JsonNode j = SpoolJson.mapper().readTree(r.out());
    assertEquals(1, j.get("tasks").size());
    assertEquals("l2", j.get("tasks").get(0).get("id").asText());
  }

  @Test
  void unknownTaskAndMissingSpoolAreReported() {
    run("init", spool());
    assertEquals(1, run("show", "--spool", spool(), "nope").exit());
    CliRun r = run("status", "--spool", tmp.resolve("missing").toString());
    assertTrue(r.exit() != 0);
    assertTrue(r.err().contains("missing"), r.err());
  }

  @Test
  void statusWatchRefreshesTheGivenNumberOfTimes() {
    run("init", spool());
    CliRun r = run("status", "--spool", spool(), "--watch", "--interval", "10ms", "--count", "3");
    assertEquals(0, r.exit(), r.err());
    assertEquals(3, r.out().split("workers: ", -1).length - 1, r.out());
  }

  @Test
  void statusShowsTheLastMinuteWhenACoordinatorCountsIt() throws Exception {
    run("init", spool());
    CliRun unknown = run("status", "--spool", spool(), "--json");
    assertTrue(
        SpoolJson.mapper().readTree(unknown.out()).get("last_minute").get("succeeded").isNull());
    Path throughput = Path.of(spool(), "state", "throughput.json");
    Instant now = Instant.now();
    Files.writeString(
        throughput,
        "{\"bucket_seconds\":10,\"written_at\":\""
            + now
            + "\",\"buckets\":["
            + "{\"start\":\""
            + now.minusSeconds(300)
            + "\",\"succeeded\":100,\"failed\":9},"
            + "{\"start\":\""
            + now.minusSeconds(20)
            + "\",\"succeeded\":7,\"failed\":1}]}");
    JsonNode j = SpoolJson.mapper().readTree(run("status", "--spool", spool(), "--json").out());
    assertEquals(7, j.get("last_minute").get("succeeded").asInt());
    assertEquals(1, j.get("last_minute").get("failed").asInt());
  }
}
