package dev.spool.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.spool.protocol.json.SpoolJson;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The built jar used as a user would: init, submit a batch with dependencies, a worker and a
 * coordinator as separate processes, wait, status, show, report, and a clean SIGTERM stop.
 */
@Timeout(180)
class EndToEndIT {
  private static final Path JAR = Path.of("target", "spool.jar").toAbsolutePath();
  private static final String JAVA = ProcessHandle.current().info().command().orElse("java");

  @TempDir Path tmp;
  private final List<Process> daemons = new ArrayList<>();

  record Result(int exit, String out, String err) {}

  @AfterEach
  void stopDaemons() throws InterruptedException {
    for (Process p : daemons) {
      p.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
    }
  }

  private List<String> command(String... args) {
    List<String> cmd =
        new ArrayList<>(
            List.of(JAVA, "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1", "-jar", JAR.toString()));
    cmd.addAll(List.of(args));
    return cmd;
  }

  private Result spool(String... args) throws IOException, InterruptedException {
    Path out = Files.createTempFile(tmp, "out", ".txt");
    Path err = Files.createTempFile(tmp, "err", ".txt");
    Process p =
        new ProcessBuilder(command(args))
            .redirectOutput(out.toFile())
            .redirectError(err.toFile())
            .start();
    if (!p.waitFor(60, TimeUnit.SECONDS)) {
      p.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
      throw new AssertionError("spool " + String.join(" ", args) + " did not finish in 60 s");
    }
    return new Result(p.exitValue(), Files.readString(out), Files.readString(err));
  }

  private Process daemon(String name, String... args) throws IOException {
    Path log = tmp.resolve(name + ".log");
    Process p =
        new ProcessBuilder(command(args))
            .redirectErrorStream(true)
            .redirectOutput(log.toFile())
            .start();
    daemons.add(p);
    return p;
  }

  @Test
  void aBatchWithDependenciesRunsThroughSeparateDaemons() throws Exception {
    assertTrue(Files.isRegularFile(JAR), "the shaded jar is built in the package phase: " + JAR);
    String spool = tmp.resolve("spool").toString();
    assertEquals(0, spool("init", spool).exit());
    Path batch = tmp.resolve("batch.json");
    Files.writeString(
        batch,
        "{\"tasks\":["
            + "{\"id\":\"a\",\"argv\":[\"sh\",\"-c\",\"echo alpha\"]},"
            + "{\"id\":\"b\",\"argv\":[\"sh\",\"-c\",\"echo beta; exit 3\"],\"max_retries\":0},"
            + "{\"id\":\"c\",\"argv\":[\"sh\",\"-c\",\"echo gamma\"],\"depends_on\":[\"a\"]},"
            + "{\"id\":\"d\",\"argv\":[\"sh\",\"-c\",\"echo cleanup\"],\"depends_on\":[{\"id\":\"b\",\"condition\":\"any\"}]}"
            + "]}",
        StandardCharsets.UTF_8);
    Result submitted = spool("submit", "--spool", spool, "--file", batch.toString());
    assertEquals(0, submitted.exit(), submitted.err());
    assertEquals("a\nb\nc\nd\n", submitted.out());

    Process worker =
        daemon(
            "worker", "worker", "--spool", spool, "--id", "e2e-w1", "--slots", "2", "--allow-argv");
    Process coordinator = daemon("coordinator", "coordinator", "--spool", spool);

    Result waited = spool("wait", "--spool", spool, "--timeout", "90s", "a", "b", "c", "d");
    assertEquals(1, waited.exit(), "b fails, so wait exits 1: " + waited.out() + waited.err());

    JsonNode status =
        SpoolJson.mapper().readTree(spool("status", "--spool", spool, "--json").out());
    assertEquals(3, status.get("counts").get("done").asInt(), status.toString());
    assertEquals(1, status.get("counts").get("dead").asInt(), status.toString());
    JsonNode w = status.get("workers").get(0);
    assertEquals("e2e-w1", w.get("id").asText());
    assertTrue(w.get("alive").asBoolean(), w.toString());

    JsonNode shown =
        SpoolJson.mapper().readTree(spool("show", "--spool", spool, "--json", "b").out());
    assertEquals("dead", shown.get("state").asText());
    assertEquals(3, shown.get("attempts").get(0).get("exit_code").asInt());
    assertEquals("beta\n", shown.get("attempts").get(0).get("stdout_tail").asText());
    assertEquals("max_retries", shown.get("end").get("reason").asText());

    Result report = spool("report", "--spool", spool, "--json", "a", "b", "c", "d");
    JsonNode r = SpoolJson.mapper().readTree(report.out());
    assertEquals("partial", r.get("status").asText());
    assertEquals(3, r.get("summary").get("successful").asInt());

    worker.destroy();
    coordinator.destroy();
    assertTrue(worker.waitFor(30, TimeUnit.SECONDS), "the worker stops on SIGTERM");
    assertTrue(coordinator.waitFor(30, TimeUnit.SECONDS), "the coordinator stops on SIGTERM");
    assertEquals(0, worker.exitValue(), Files.readString(tmp.resolve("worker.log")));
    JsonNode after =
        SpoolJson.mapper().readTree(spool("workers", "--spool", spool, "--json").out());
    assertTrue(
        !after.get("workers").get(0).get("alive").asBoolean(), "a stopped worker is not alive");
    assertEquals(0, spool("fsck", "--spool", spool).exit());
  }
}
