package dev.spool.coordinator;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.spool.coordinator.cli.OperatorCli;
import dev.spool.protocol.heartbeat.Heartbeat;
import dev.spool.protocol.json.SpoolJson;
import dev.spool.protocol.spool.TaskState;
import dev.spool.protocol.spool.TerminalReason;
import dev.spool.protocol.task.Task;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * A pending task that no live worker can run goes to dead/ ({@code no_lane}) after {@code
 * unroutable_after}, and {@code spool status} / {@code spool show} say why while it waits.
 */
@Timeout(30)
class UnroutableTasksTest {
  private static final Duration AFTER = Duration.ofSeconds(60);

  @TempDir Path root;
  private SpoolFixture f;
  private long seq;

  @BeforeEach
  void setUp() throws Exception {
    f = new SpoolFixture(root);
    Files.writeString(
        f.layout.routingFile(),
        "types:\n"
            + "  chat: [gemini, qwen]\n"
            + "  private: {lanes: [qwen, llama], sovereign: true}\n"
            + "lanes:\n  llama: {local: true}\n");
  }

  private Coordinator coordinator() {
    return new Coordinator(
        f.layout, f.config("c1").withUnroutableAfter(AFTER), f.time, f.time::nanoTime);
  }

  /** A live worker w1 offering lane qwen (remote) and type build. */
  private void heartbeat() throws Exception {
    Heartbeat hb =
        new Heartbeat(
            null,
            "w1",
            1L,
            "h",
            1L,
            "1",
            SpoolFixture.T0,
            ++seq,
            f.time.instant(),
            0,
            1,
            null,
            List.of("build"),
            List.of("qwen"),
            false,
            false,
            null,
            null,
            null,
            null,
            null,
            null,
            null,
            null,
            null);
    f.files.replace(f.layout.heartbeat("w1"), SpoolJson.write(hb));
  }

  private void submitAll() throws Exception {
    f.submit(Task.builder("served").type("chat").createdAt(SpoolFixture.T0).build());
    f.submit(Task.builder("orphan").type("chat").lane("claude").createdAt(SpoolFixture.T0).build());
    f.submit(Task.builder("secret").type("private").createdAt(SpoolFixture.T0).build());
    f.submit(Task.builder("built").type("build").createdAt(SpoolFixture.T0).build());
    f.submit(Task.builder("unknown").type("deploy").createdAt(SpoolFixture.T0).build());
  }

  private String cli(String... args) {
    CommandLine cl = OperatorCli.addTo(new CommandLine(new Root()), f.time);
    StringWriter out = new StringWriter();
    cl.setOut(new PrintWriter(out));
    cl.setErr(new PrintWriter(new StringWriter()));
    assertEquals(0, cl.execute(args));
    return out.toString();
  }

  @CommandLine.Command(name = "spool")
  static final class Root {}

  @Test
  void aTaskNoLiveWorkerCanRunIsExplainedThenGoesDeadWithNoLane() throws Exception {
    submitAll();
    try (Coordinator c = coordinator()) {
      heartbeat();
      f.slowPass(c);
      String show = cli("show", "orphan", "--spool", root.toString());
      assertTrue(show.contains("waiting: no live worker offers a lane of [claude]"), show);
      String secret = cli("show", "secret", "--spool", root.toString());
      assertTrue(secret.contains("that is local (sovereign)"), secret);
      String status = cli("status", "--spool", root.toString());
      assertTrue(status.contains("unroutable: 3 pending task(s)"), status);
      assertTrue(status.contains("unknown"), status);
      assertFalse(cli("show", "served", "--spool", root.toString()).contains("waiting:"));

      for (int i = 0; i < 6; i++) {
        f.time.advance(Duration.ofSeconds(10));
        heartbeat();
        f.slowPass(c);
      }
    }
    for (String id : List.of("orphan", "secret", "unknown")) {
      f.assertOnlyIn(TaskState.DEAD, id);
      assertEquals(TerminalReason.NO_LANE, f.endNote(id).reason());
    }
    f.assertOnlyIn(TaskState.PENDING, "served");
    f.assertOnlyIn(TaskState.PENDING, "built");
    assertFalse(Files.exists(f.layout.unroutableNote()), "nothing waits unroutable any more");
  }

  @Test
  void withNoLiveWorkerAtAllNothingIsTimed() throws Exception {
    submitAll();
    try (Coordinator c = coordinator()) {
      for (int i = 0; i < 10; i++) {
        f.time.advance(AFTER.dividedBy(4));
        f.slowPass(c);
      }
    }
    for (String id : List.of("served", "orphan", "secret", "built", "unknown")) {
      f.assertOnlyIn(TaskState.PENDING, id);
    }
    assertFalse(Files.exists(f.layout.unroutableNote()));
  }
}
