package dev.spool.coordinator;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.spool.protocol.result.Outcome;
import dev.spool.protocol.spool.TaskState;
import dev.spool.protocol.task.Task;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** One active coordinator: a standby acts only after taking over, the old one is fenced. */
@Timeout(60)
class TwoCoordinatorsTest {
  @TempDir Path root;

  @Test
  void onlyTheLeaseHolderActsAndATakeoverFencesTheOldOne() throws Exception {
    SpoolFixture f = new SpoolFixture(root);
    AtomicLong ta = new AtomicLong(1_000_000_000L);
    AtomicLong tb = new AtomicLong(5_000_000_000_000L);
    Coordinator a = new Coordinator(f.layout, f.config("a"), f.time, ta::get);
    Coordinator b = new Coordinator(f.layout, f.config("b"), f.time, tb::get);
    try (a;
        b) {
      a.tickOnce();
      b.tickOnce();
      assertTrue(a.isActive());
      assertFalse(b.isActive());

      f.submit(Task.builder("t1").createdAt(SpoolFixture.T0).argv(List.of("x")).build());
      f.finish(f.claim("t1", "w1", 1), new Outcome.Failed(1, null));
      for (int i = 0; i < 8; i++) { // B alone ticks for 4 s: it must not touch failed/
        tb.addAndGet(500_000_000L);
        b.tickOnce();
      }
      f.assertOnlyIn(TaskState.FAILED, "t1");

      for (int i = 0; i < 22; i++) { // A is paused; B ticks 11 s and takes over
        tb.addAndGet(500_000_000L);
        b.tickOnce();
      }
      assertTrue(b.isActive());
      assertEquals(2, b.epoch());
      assertTrue(
          f.find(TaskState.SCHEDULED, "t1").isPresent()
              || f.find(TaskState.PENDING, "t1").isPresent(),
          "the new holder decided the retry");

      ta.addAndGet(Duration.ofSeconds(20).toNanos());
      f.submit(Task.builder("t2").createdAt(SpoolFixture.T0).argv(List.of("x")).build());
      f.finish(f.claim("t2", "w1", 1), new Outcome.Failed(1, null));
      a.tickOnce(); // wakes up, sees epoch 2
      assertFalse(a.isActive());
      f.assertOnlyIn(TaskState.FAILED, "t2");
    }
    try (Stream<Path> wal = Files.list(f.layout.wal())) {
      assertTrue(
          wal.noneMatch(p -> p.getFileName().toString().equals("00000000000000000001.wal")),
          "the new holder compacted the old epoch's log away");
    }
  }
}
