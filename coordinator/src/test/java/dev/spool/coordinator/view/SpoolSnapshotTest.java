package dev.spool.coordinator.view;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.spool.protocol.spool.TaskName;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(value = 5, unit = TimeUnit.SECONDS)
class SpoolSnapshotTest {
  @Test
  void theEnqueueTimeIsReadWhereTheGrammarPutsIt() {
    String name = new TaskName.Pending(500, 1_795_299_019_696L, "t-1", 3).fileName();
    assertEquals(1_795_299_019_696L, SpoolSnapshot.enqueuedMillis(name));
  }

  @Test
  void namesWithoutThatShapeHaveNone() {
    assertEquals(-1, SpoolSnapshot.enqueuedMillis("mytask.json"));
    assertEquals(-1, SpoolSnapshot.enqueuedMillis("499~17952990196x6~t~1.json"));
    assertEquals(-1, SpoolSnapshot.enqueuedMillis("499~1795299019696"));
  }
}
