package dev.spool.coordinator.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.spool.protocol.heartbeat.Heartbeat;
import dev.spool.protocol.json.SpoolJson;
import dev.spool.protocol.spool.SpoolLayout;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

@Timeout(30)
class ReportingCommandsTest {
  private final Clock clock = Clock.fixed(Instant.parse("2026-11-21T12:00:00Z"), ZoneOffset.UTC);

  @TempDir Path tmp;
  private String spool;
  private SpoolLayout layout;
  private FakeWorker worker;

  @BeforeEach
  void init() {
    spool = tmp.resolve("s").toString();
    CliRun.run(clock, "init", spool);
    layout = new SpoolLayout(Path.of(spool));
    worker = new FakeWorker(layout);
  }

  private CliRun run(String... args) {
    return CliRun.run(clock, args);
  }

  @Test
  void reportByLabelUsesTheTaskRunnerShape() throws Exception {
    run("submit", "--spool", spool, "--id", "ok", "--label", "batch=b1", "--", "echo", "yes");
    run("submit", "--spool", spool, "--id", "bad", "--label", "batch=b1", "--", "false");
    run("submit", "--spool", spool, "--id", "other", "--label", "batch=b2", "--", "true");
    worker.finish("ok", 0, "yes\n");
    worker.finish("bad", 1, "");
    CliRun r = run("report", "--spool", spool, "--label", "batch=b1", "--json");
    assertEquals(1, r.exit(), "a failed task makes the report exit 1");
    JsonNode j = SpoolJson.mapper().readTree(r.out());
    assertEquals("running", j.get("status").asText(), "bad waits in failed/ for the coordinator");
    assertEquals(2, j.get("summary").get("total_tasks").asInt());
    JsonNode ok = j.get("results").get(1);
    assertEquals("ok", ok.get("task_id").asText());
    assertEquals("success", ok.get("status").asText());
    assertEquals("yes\n", ok.get("output").asText());
    assertEquals(1500, ok.get("execution_time_ms").asInt());
    assertEquals("logs/ok~1.out", ok.get("trace_file").asText());
    assertEquals(0, ok.get("exit_code").asInt());

    CliRun onlyOk = run("report", "--spool", spool, "--json", "ok");
    assertEquals(0, onlyOk.exit());
    assertEquals("success", SpoolJson.mapper().readTree(onlyOk.out()).get("status").asText());
  }

  @Test
  void waitExitsByOutcome() throws Exception {
    run("submit", "--spool", spool, "--id", "a", "--", "true");
    run("submit", "--spool", spool, "--id", "b", "--", "true");
    worker.finish("a", 0, "");
    assertEquals(0, run("wait", "--spool", spool, "a").exit());
    assertEquals(124, run("wait", "--spool", spool, "--timeout", "100ms", "a", "b").exit());
    run("cancel", "--spool", spool, "b");
    assertEquals(1, run("wait", "--spool", spool, "a", "b").exit());
    assertEquals(1, run("wait", "--spool", spool, "ghost").exit());
  }

  @Test
  void logsPrintsTheLatestAttempt() throws Exception {
    run("submit", "--spool", spool, "--id", "l", "--", "echo");
    worker.finish("l", 0, "line one\nline two\n");
    CliRun r = run("logs", "--spool", spool, "l");
    assertEquals(0, r.exit(), r.err());
    assertEquals("line one\nline two\n", r.out());
    assertEquals(1, run("logs", "--spool", spool, "ghost").exit());
  }

  @Test
  void logsOfAnAttemptWithoutOutputAreEmpty() throws Exception {
    run("submit", "--spool", spool, "--id", "quiet", "--", "true");
    worker.finish("quiet", 0, "");
    assertFalse(Files.exists(layout.stdoutLog("quiet", 1)), "no output, no log file");
    CliRun done = run("logs", "--spool", spool, "quiet");
    assertEquals(0, done.exit(), done.err());
    assertEquals("", done.out());

    run("submit", "--spool", spool, "--id", "busy", "--", "sleep", "9");
    worker.claim("busy");
    CliRun running = run("logs", "--spool", spool, "busy");
    assertEquals(0, running.exit(), "a running attempt has run, output or not: " + running.err());
    assertEquals("", running.out());
  }

  @Test
  void workersAndDrain() throws Exception {
    Heartbeat hb =
        new Heartbeat(
            null,
            "w1",
            3L,
            "vm1",
            42L,
            "0.1.0",
            clock.instant(),
            7L,
            clock.instant(),
            1,
            4,
            List.of("gpu"),
            List.of(),
            List.of(),
            false,
            false,
            null,
            null,
            null,
            List.of(),
            null,
            null,
            null,
            120L,
            9L);
    Files.write(layout.heartbeat("w1"), SpoolJson.write(hb));
    CliRun table = run("workers", "--spool", spool);
    assertEquals(0, table.exit(), table.err());
    assertTrue(table.out().contains("120 (9)"), table.out());
    CliRun r = run("workers", "--spool", spool, "--json");
    assertEquals(0, r.exit(), r.err());
    JsonNode w = SpoolJson.mapper().readTree(r.out()).get("workers").get(0);
    assertEquals("w1", w.get("id").asText());
    assertTrue(
        w.get("alive").asBoolean(),
        "a heartbeat written just now is fresh on the file system's clock");
    assertEquals(4, w.get("slots_total").asInt());
    assertEquals(120, w.get("claims_total").asLong());
    assertEquals(9, w.get("claims_lost_total").asLong());
    assertEquals(0, run("drain", "--spool", spool, "w1").exit());
    assertTrue(Files.exists(layout.drainRequest("w1")));
  }
}
