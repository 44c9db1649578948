package dev.spool.worker;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.spool.protocol.result.Outcome;
import dev.spool.protocol.spool.TaskState;
import dev.spool.protocol.task.Task;
import dev.spool.protocol.testing.Await;
import dev.spool.worker.config.WorkerConfig;
import dev.spool.worker.testing.Scripts;
import dev.spool.worker.testing.StaleLostReplyOps;
import dev.spool.worker.testing.TestSpool;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * A claim rename that took effect but reported ENOENT, with a stale cache that fools the lost-reply
 * check: {@code tryClaim} says "lost race" while the claim sits in claimed/ under this live worker.
 * The worker's own-claim sweep must hand it back; the attempt never ran, so it runs exactly once,
 * as the next attempt.
 */
@Timeout(60)
class OrphanClaimTest {
  private static final Duration WAIT = Duration.ofSeconds(30);

  @TempDir Path dir;
  private Worker worker;

  @AfterEach
  void tearDown() {
    if (worker != null) {
      worker.close();
    }
  }

  @Test
  void aClaimWhoseLostReplyWasMistakenForALostRaceIsHandedBackAndRunsOnce() throws Exception {
    TestSpool spool = new TestSpool(dir.resolve("spool"));
    Path marker = dir.resolve("ran");
    Path script = Scripts.write(dir, "mark.sh", "echo \"$SPOOL_ATTEMPT\" >> " + marker);
    spool.submit(Task.ofArgv("orphan", Instant.now(), List.of(script.toString())));
    StaleLostReplyOps ops = new StaleLostReplyOps(1);
    WorkerConfig config =
        WorkerConfig.builder(spool.layout.root())
            .workerId("w1")
            .slots(2)
            .allowArgv(true)
            .watch(false)
            .heartbeatInterval(Duration.ofMillis(200))
            .rescanInterval(Duration.ofMillis(100))
            .livenessCheck(Duration.ofMillis(500))
            .scratchDir(dir.resolve("scratch"))
            .build();
    worker = new Worker(config, Clock.systemUTC(), System::nanoTime, System.getenv(), ops);
    worker.start();

    Await.until(WAIT, "done", () -> spool.exists(TaskState.DONE, "orphan"));
    assertEquals(0, ops.lostRepliesLeft(), "the lost reply was injected");
    assertEquals(
        List.of("orphan~1.json", "orphan~2.json"),
        spool.resultsOf("orphan").stream().sorted().toList());
    assertEquals(Outcome.Kind.LOST, spool.result("orphan", 1).outcome().kind());
    assertEquals(Outcome.Kind.SUCCEEDED, spool.result("orphan", 2).outcome().kind());
    assertEquals(List.of("2"), Files.readAllLines(marker), "attempt 1 never ran; 2 ran once");
    assertEquals(0, spool.count(TaskState.CLAIMED));
  }
}
