package dev.spool.protocol.json;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.spool.protocol.InvalidInputException;
import dev.spool.protocol.task.Task;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(10)
class SpoolJsonSmokeTest {
  @Test
  void taskRoundTrips() throws Exception {
    Task t =
        Task.builder("t-1")
            .createdAt(Instant.parse("2026-11-21T10:00:00Z"))
            .argv(List.of("echo", "hi"))
            .timeout(Duration.ofMillis(1500))
            .build();
    byte[] json = SpoolJson.write(t);
    Task back = SpoolJson.read("x.json", json, Task.class);
    assertEquals(t, back);
    String text = new String(json, StandardCharsets.UTF_8);
    org.junit.jupiter.api.Assertions.assertTrue(text.contains("\"timeout\":1.5"), text);
  }

  @Test
  void fieldErrorNamesFileAndField() {
    byte[] bad =
        "{\"id\":\"a\",\"argv\":[\"x\"],\"priority\":5000}".getBytes(StandardCharsets.UTF_8);
    InvalidInputException e =
        assertThrows(
            InvalidInputException.class, () -> SpoolJson.read("p/x.json", bad, Task.class));
    assertEquals("priority", e.field().orElseThrow(), e.getMessage());
    org.junit.jupiter.api.Assertions.assertTrue(
        e.getMessage().startsWith("p/x.json"), e.getMessage());
  }

  @Test
  void nestedFieldErrorHasPath() {
    byte[] bad =
        "{\"id\":\"a\",\"argv\":[\"x\"],\"depends_on\":[\"b\",{\"id\":\"..\"}]}"
            .getBytes(StandardCharsets.UTF_8);
    InvalidInputException e =
        assertThrows(InvalidInputException.class, () -> SpoolJson.read("x.json", bad, Task.class));
    assertEquals("depends_on[1].id", e.field().orElseThrow(), e.getMessage());
  }

  @Test
  void stringForIntIsRefused() {
    byte[] bad =
        "{\"id\":\"a\",\"argv\":[\"x\"],\"priority\":\"5\"}".getBytes(StandardCharsets.UTF_8);
    InvalidInputException e =
        assertThrows(InvalidInputException.class, () -> SpoolJson.read("x.json", bad, Task.class));
    assertEquals("priority", e.field().orElseThrow(), e.getMessage());
  }
}
