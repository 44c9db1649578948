package dev.spool.coordinator.submit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.spool.protocol.InvalidInputException;
import dev.spool.protocol.task.Task;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(value = 10, unit = TimeUnit.SECONDS)
class BatchFileTest {
  private static final Instant NOW = Instant.parse("2026-01-02T03:04:05Z");

  private static BatchFile parse(String text) throws InvalidInputException {
    AtomicInteger n = new AtomicInteger();
    return BatchFile.parse(
        "batch.json",
        text.getBytes(StandardCharsets.UTF_8),
        () -> "gen-" + n.incrementAndGet(),
        NOW,
        id -> false);
  }

  @Test
  void envelopeWithConfig() throws Exception {
    BatchFile b =
        parse(
            "{\"tasks\": [{\"id\": \"a\", \"argv\": [\"true\"]},"
                + " {\"argv\": [\"false\"], \"depends_on\": [\"a\"]}],"
                + " \"config\": {\"max_workers\": 3, \"timeout_seconds\": 7}}");
    assertEquals(List.of("a", "gen-1"), b.tasks().stream().map(Task::id).toList());
    assertEquals(3, b.maxWorkers());
    assertEquals(7, b.tasks().get(1).timeout().toSeconds());
    assertEquals(NOW, b.tasks().get(0).createdAt());
  }

  @Test
  void jsonLinesOneTaskPerLine() throws Exception {
    BatchFile b =
        parse("{\"id\": \"a\", \"argv\": [\"true\"]}\n\n{\"id\": \"b\", \"argv\": [\"true\"]}\n");
    assertEquals(List.of("a", "b"), b.tasks().stream().map(Task::id).toList());
  }

  @Test
  void singleTaskObjectIsOneLineBatch() throws Exception {
    assertEquals(1, parse("{\"id\": \"a\", \"argv\": [\"true\"]}").tasks().size());
  }

  @Test
  void brokenEnvelopeNamesTheFile() {
    InvalidInputException e =
        assertThrows(InvalidInputException.class, () -> parse("{\n  \"tasks\": [\n  {\"id\": \n"));
    assertTrue(e.getMessage().contains("batch.json"), e.getMessage());
  }

  @Test
  void badLineNamesItsLineNumber() {
    InvalidInputException e =
        assertThrows(
            InvalidInputException.class,
            () -> parse("{\"id\": \"a\", \"argv\": [\"true\"]}\n{\"id\": \"b\", \"argv\": [}\n"));
    assertTrue(e.getMessage().contains("batch.json:2"), e.getMessage());
  }

  @Test
  void jsonLinesKeepFileOrderForIndexesAndGeneratedIdsAcrossBlankLines() throws Exception {
    BatchFile b =
        parse(
            "{\"argv\": [\"true\"]}\n\n{\"id\": \"x\", \"argv\": [\"true\"]}\n{\"argv\": [\"true\"]}\n");
    assertEquals(List.of("gen-1", "x", "gen-2"), b.tasks().stream().map(Task::id).toList());
  }

  @Test
  void jsonLinesReportTheFirstBadLineInFileOrder() {
    InvalidInputException e =
        assertThrows(
            InvalidInputException.class,
            () ->
                parse(
                    "{\"id\": \"a\", \"argv\": [\"true\"]}\n"
                        + "{\"id\": \"b\", \"argv\": [\"true\"], \"priority\": 5000}\n"
                        + "{\"id\": \"c\", \"argv\": [}\n"));
    assertTrue(e.getMessage().contains("tasks[1]"), e.getMessage());
    assertTrue(e.getMessage().contains("priority"), e.getMessage());
  }

  @Test
  void badFieldNamesTaskAndField() {
    InvalidInputException e =
        assertThrows(
            InvalidInputException.class,
            () ->
                parse("{\"tasks\": [{\"id\": \"a\", \"argv\": [\"true\"], \"priority\": 5000}]}"));
    assertTrue(e.getMessage().contains("tasks[0]"), e.getMessage());
    assertTrue(e.getMessage().contains("priority"), e.getMessage());
  }
}
