package dev.spool.protocol.json;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.spool.protocol.task.Task;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Durations are written as plain numbers of seconds, whole ones without a fraction. */
@Timeout(10)
class DurationSecondsTest {
  @Test
  void wholeAndFractionalSecondsAreWrittenPlainAndReadBack() throws Exception {
    Object[][] cases = {
      {Duration.ofSeconds(1), "1"},
      {Duration.ofSeconds(300), "300"},
      {Duration.ofDays(30), "2592000"},
      {Duration.ofMillis(1500), "1.5"},
      {Duration.ofMillis(1), "0.001"},
      {Duration.ofMillis(300_010), "300.01"},
    };
    for (Object[] c : cases) {
      Duration d = (Duration) c[0];
      Task t =
          Task.builder("t-1")
              .createdAt(Instant.parse("2026-11-21T10:00:00Z"))
              .argv(List.of("true"))
              .timeout(d)
              .build();
      byte[] json = SpoolJson.write(t);
      String text = new String(json, StandardCharsets.UTF_8);
      assertTrue(text.contains("\"timeout\":" + c[1] + ","), d + " -> " + text);
      assertEquals(d, SpoolJson.read("x.json", json, Task.class).timeout(), text);
    }
  }
}
