package dev.spool.protocol.json;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import dev.spool.protocol.FieldException;
import dev.spool.protocol.task.Backoff;
import dev.spool.protocol.task.Dependency;
import dev.spool.protocol.task.Task;
import dev.spool.protocol.task.TaskBuilder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The light task writer must write exactly what the codec writes, for every task. */
@Timeout(20)
class TaskJsonTest {
  private static final Instant T = Instant.parse("2026-11-21T23:49:58.811771302Z");

  private static void assertSameBytes(Task t) {
    byte[] expected = SpoolJson.write(t);
    byte[] actual = TaskJson.write(t);
    assertArrayEquals(
        expected,
        actual,
        () ->
            "expected "
                + new String(expected, StandardCharsets.UTF_8)
                + "\nbut got  "
                + new String(actual, StandardCharsets.UTF_8));
  }

  @Test
  void minimalTask() {
    assertSameBytes(Task.ofArgv("t-1", T, List.of("true")));
  }

  @Test
  void everyFieldTheWriterEncodes() {
    assertSameBytes(
        Task.builder("x-1")
            .createdAt(T)
            .argv(List.of("echo", "hé \"q\"\n\u0001</\u2028 \uD83D\uDE00"))
            .type("build")
            .lane("l")
            .model("m")
            .priority(0)
            .timeout(Duration.ofMillis(1500))
            .idleTimeout(Duration.ofSeconds(60))
            .queueTimeout(Duration.ofMillis(1))
            .maxRetries(0)
            .maxLost(1000)
            .backoff(new Backoff(Duration.ofMillis(250), 1.5, Duration.ofHours(1), 0.0))
            .dependsOn(Dependency.parse("a:any"))
            .dependsOn(Dependency.parse("b"))
            .dependsOn(Dependency.parse("c:failed"))
            .requires("gpu")
            .requires("big")
            .prefers("fast")
            .notBefore(Instant.parse("2030-01-01T00:00:00Z"))
            .idempotencyKey("k/\u00e9")
            .group("g")
            .label("a", "b")
            .label("z", "1")
            .env("X", "1")
            .env("PATH", "/bin:/usr/bin")
            .stdin("in\tput")
            .cwd("/tmp")
            .build());
  }

  @Test
  void emptyStringsAndEmptyMapValuesAreLeftOutAsTheCodecDoes() {
    assertSameBytes(
        Task.builder("x-2")
            .createdAt(T)
            .argv(List.of("a", ""))
            .model("")
            .stdin("")
            .cwd("")
            .env("A", "")
            .label("k", "")
            .build());
    assertSameBytes(
        Task.builder("x-3")
            .createdAt(T)
            .argv(List.of("a"))
            .env("A", "")
            .env("B", "b")
            .env("C", "")
            .build());
  }

  @Test
  void stdinFileAndTypeOnlyTask() {
    assertSameBytes(Task.builder("x-4").type("review").stdinFile("/etc/hosts").build());
  }

  @Test
  void instantsAtEveryPrecision() {
    for (long nanos : new long[] {0, 1, 10, 1_000, 100_000, 1_000_000, 123_400_000, 999_999_999}) {
      Instant at = Instant.ofEpochSecond(1_795_000_000L, nanos);
      assertSameBytes(Task.builder("x-5").createdAt(at).notBefore(at).argv(List.of("x")).build());
    }
  }

  @Test
  void taskWithFreeJsonIsWrittenByTheCodec() {
    TaskBuilder b = Task.builder("x-6").createdAt(T).argv(List.of("x"));
    b.input(JsonNodeFactory.instance.objectNode().put("prompt", "hi"));
    Task t = b.build();
    assertEquals(
        new String(SpoolJson.write(t), StandardCharsets.UTF_8),
        new String(TaskJson.write(t), StandardCharsets.UTF_8));
  }

  @Test
  void randomTasks() {
    SplittableRandom r = new SplittableRandom(42);
    int written = 0;
    for (int i = 0; i < 2000; i++) {
      Task t;
      try {
        t = randomTask(r, i);
      } catch (FieldException e) {
        continue; // a combination the task refuses; the writer never sees it
      }
      assertSameBytes(t);
      written++;
    }
    assertEquals(true, written > 1000, "too few valid random tasks: " + written);
  }

  private static Task randomTask(SplittableRandom r, int i) {
    TaskBuilder b = Task.builder("r-" + i).argv(List.of(text(r), text(r)));
    if (r.nextBoolean()) {
      b.createdAt(Instant.ofEpochSecond(r.nextLong(0, 4_000_000_000L), r.nextInt(1_000_000_000)));
    }
    if (r.nextBoolean()) {
      b.priority(r.nextInt(1000));
    }
    if (r.nextBoolean()) {
      b.model(text(r));
    }
    if (r.nextBoolean()) {
      b.timeout(Duration.ofMillis(r.nextLong(1, Task.MAX_DURATION.toMillis())));
    }
    if (r.nextBoolean()) {
      b.idleTimeout(Duration.ofSeconds(r.nextLong(1, 100_000)));
    }
    if (r.nextBoolean()) {
      b.maxRetries(r.nextInt(1001));
    }
    for (int k = r.nextInt(3); k > 0; k--) {
      b.env("V" + r.nextInt(5), text(r));
      b.label("l" + r.nextInt(5), text(r));
      b.requires("c" + r.nextInt(9));
      b.dependsOn(new Dependency("d" + r.nextInt(9), null));
    }
    if (r.nextInt(4) == 0) {
      b.stdin(text(r));
    }
    if (r.nextInt(4) == 0) {
      b.notBefore(Instant.ofEpochMilli(r.nextLong(0, 4_000_000_000_000L)));
    }
    return b.build();
  }

  private static String text(SplittableRandom r) {
    StringBuilder s = new StringBuilder();
    for (int n = r.nextInt(12); n > 0; n--) {
      switch (r.nextInt(6)) {
        case 0:
          s.append((char) r.nextInt(1, 32));
          break;
        case 1:
          s.append("\"\\/<>&'");
          break;
        case 2:
          s.append((char) r.nextInt(0x80, 0x800));
          break;
        case 3:
          s.append("\uD83D\uDE00\u2028\u2029");
          break;
        default:
          s.append((char) r.nextInt(32, 127));
      }
    }
    return s.toString();
  }
}
