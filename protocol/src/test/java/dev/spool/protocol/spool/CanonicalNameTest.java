package dev.spool.protocol.spool;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.spool.protocol.json.SpoolJson;
import dev.spool.protocol.task.Task;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(10)
class CanonicalNameTest {
  @Test
  void nonCanonicalNumbersAreOutsideTheGrammar() {
    // "~01" would format back as "~1": a claim of the formatted name would never find the file.
    assertTrue(TaskName.parse(TaskState.PENDING, "499~1795284000000~t1~01.json").isEmpty());
    assertTrue(TaskName.parse(TaskState.CLAIMED, "t1~1~w1~007.json").isEmpty());
    assertTrue(TaskName.parse(TaskState.FAILED, "t1~+1.json").isEmpty());
    assertEquals(
        "499~1795284000000~t1~1.json",
        TaskName.parse(TaskState.PENDING, "499~1795284000000~t1~1.json").orElseThrow().fileName());
  }

  @Test
  void durationsAreWrittenAsPlainSeconds() {
    Task t =
        Task.builder("d")
            .createdAt(Instant.EPOCH)
            .argv(List.of("true"))
            .timeout(Duration.ofMinutes(30))
            .build();
    String json = new String(SpoolJson.write(t), StandardCharsets.UTF_8);
    assertTrue(json.contains("\"timeout\":1800"), json);
    assertTrue(json.contains("\"cap\":300"), json);
  }
}
