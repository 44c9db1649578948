package dev.spool.coordinator.submit;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.spool.protocol.fs.AtomicFiles;
import dev.spool.protocol.fs.FileOps;
import dev.spool.protocol.spool.SpoolLayout;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

@Timeout(30)
class IdempotencyKeysTest {
  private static final Instant T = Instant.parse("2026-11-21T10:00:00Z");

  @TempDir Path root;

  @Test
  void theSecondSubmitOfAKeyGetsTheFirstTasksId() throws Exception {
    SpoolLayout layout = SpoolLayout.create(root, T);
    IdempotencyKeys keys =
        new IdempotencyKeys(layout, new AtomicFiles(FileOps.real(), layout.tmp(), true));
    assertEquals(Optional.empty(), keys.reserve("order-42", "t1", T));
    assertEquals(Optional.of("t1"), keys.reserve("order-42", "t2", T));
    assertEquals(Optional.empty(), keys.reserve("order-43", "t3", T));
  }

  @Test
  void ofRacingSubmitsExactlyOneWins() throws Exception {
    SpoolLayout layout = SpoolLayout.create(root, T);
    IdempotencyKeys keys =
        new IdempotencyKeys(layout, new AtomicFiles(FileOps.real(), layout.tmp(), true));
    ExecutorService pool = Executors.newFixedThreadPool(8);
    CountDownLatch start = new CountDownLatch(1);
    List<Future<Optional<String>>> results = new ArrayList<>();
    try {
      for (int i = 0; i < 8; i++) {
        String id = "t" + i;
        results.add(
            pool.submit(
                () -> {
                  start.await();
                  return keys.reserve("same", id, T);
                }));
      }
      start.countDown();
      int winners = 0;
      String winner = null;
      List<String> answers = new ArrayList<>();
      for (int i = 0; i < 8; i++) {
        Optional<String> r = results.get(i).get();
        if (r.isEmpty()) {
          winners++;
          winner = "t" + i;
        } else {
          answers.add(r.get());
        }
      }
      assertEquals(1, winners);
      for (String a : answers) {
        assertEquals(winner, a);
      }
    } finally {
      pool.shutdownNow();
    }
  }
}
