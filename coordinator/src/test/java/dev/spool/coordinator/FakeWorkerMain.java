package dev.spool.coordinator;

import dev.spool.protocol.fs.AtomicFiles;
import dev.spool.protocol.fs.FileOps;
import dev.spool.protocol.heartbeat.Heartbeat;
import dev.spool.protocol.json.SpoolJson;
import dev.spool.protocol.result.AttemptResult;
import dev.spool.protocol.result.Outcome;
import dev.spool.protocol.spool.Actor;
import dev.spool.protocol.spool.SpoolLayout;
import dev.spool.protocol.spool.TaskMoves;
import dev.spool.protocol.spool.TaskName;
import dev.spool.protocol.spool.TaskState;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.concurrent.locks.LockSupport;
import java.util.stream.Stream;

/**
 * A minimal worker for crash tests, run as a child JVM: it beats every 200 ms, claims one task,
 * "runs" it until a go file appears, then publishes Succeeded the way the worker does (fenced by
 * publish-if-absent of the result): exit 0 when it decided the attempt, 3 when the attempt was
 * already decided and it kept its result as stale.
 *
 * <p>Arguments: spool dir, worker id, task id, go file.
 */
public final class FakeWorkerMain {
  private FakeWorkerMain() {}

  public static void main(String[] args) throws Exception {
    SpoolLayout layout = SpoolLayout.open(Path.of(args[0]));
    String worker = args[1];
    String taskId = args[2];
    Path go = Path.of(args[3]);
    AtomicFiles files = new AtomicFiles(FileOps.real(), layout.tmp(), true);
    TaskMoves moves = new TaskMoves(layout, files);
    Thread beats = new Thread(() -> beat(layout, files, worker), "beats");
    beats.setDaemon(true);
    beats.start();
    TaskName.Claimed claim = null;
    while (claim == null) {
      Optional<TaskName> p = find(layout, taskId);
      if (p.isPresent()) {
        claim = moves.tryClaim((TaskName.Pending) p.get(), worker, 1).orElse(null);
      }
      LockSupport.parkNanos(Duration.ofMillis(20).toNanos());
    }
    while (!Files.exists(go)) {
      LockSupport.parkNanos(Duration.ofMillis(20).toNanos());
    }
    AttemptResult r =
        new AttemptResult(
            null,
            taskId,
            claim.attempt(),
            worker,
            1L,
            "h",
            Instant.now(),
            Instant.now(),
            Duration.ZERO,
            new Outcome.Succeeded(),
            null,
            null,
            null,
            null,
            null,
            null,
            null,
            null,
            null);
    byte[] bytes = SpoolJson.write(r);
    if (files.publishIfAbsent(layout.result(taskId, claim.attempt()), bytes)) {
      moves.tryMove(claim, new TaskName.Terminal(TaskState.DONE, taskId), Actor.WORKER);
      System.exit(0);
    }
    files.publishIfAbsent(layout.staleResult(taskId, claim.attempt(), worker, 1), bytes);
    System.exit(3);
  }

  private static Optional<TaskName> find(SpoolLayout layout, String id) throws Exception {
    try (Stream<Path> s = Files.list(layout.dir(TaskState.PENDING))) {
      return s.map(p -> layout.parse(TaskState.PENDING, p.getFileName().toString()))
          .flatMap(Optional::stream)
          .filter(n -> n.id().equals(id))
          .findFirst();
    }
  }

  private static void beat(SpoolLayout layout, AtomicFiles files, String worker) {
    long seq = 0;
    while (true) {
      try {
        Heartbeat hb =
            new Heartbeat(
                null,
                worker,
                1L,
                "h",
                ProcessHandle.current().pid(),
                "test",
                null,
                seq++,
                Instant.now(),
                1,
                1,
                null,
                null,
                null,
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
        files.replace(layout.heartbeat(worker), SpoolJson.write(hb));
      } catch (Exception e) {
        System.err.println("heartbeat failed: " + e);
      }
      LockSupport.parkNanos(Duration.ofMillis(200).toNanos());
    }
  }
}
