package dev.spool.coordinator.cli;

import dev.spool.protocol.fs.AtomicFiles;
import dev.spool.protocol.fs.FileOps;
import dev.spool.protocol.json.SpoolJson;
import dev.spool.protocol.result.AttemptResult;
import dev.spool.protocol.result.Outcome;
import dev.spool.protocol.result.OutputCapture;
import dev.spool.protocol.spool.Actor;
import dev.spool.protocol.spool.SpoolLayout;
import dev.spool.protocol.spool.TaskMoves;
import dev.spool.protocol.spool.TaskName;
import dev.spool.protocol.spool.TaskState;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * Finishes pending tasks the way a worker does (claim, log, result, fenced finish), without running
 * anything.
 */
final class FakeWorker {
  private final SpoolLayout layout;
  private final TaskMoves moves;
  private final AtomicFiles files;

  FakeWorker(SpoolLayout layout) {
    this.layout = layout;
    this.files = new AtomicFiles(FileOps.real(), layout.tmp(), false);
    this.moves = new TaskMoves(layout, files);
  }

  /** Claims {@code id} from pending/ and ends the attempt with {@code exit} and {@code stdout}. */
  void finish(String id, int exit, String stdout) throws IOException {
    TaskName.Claimed c = claim(id);
    Path out = layout.stdoutLog(id, c.attempt());
    if (!stdout.isEmpty()) {
      Files.writeString(out, stdout); // as a worker does: no output, no log file
    }
    Outcome outcome = exit == 0 ? new Outcome.Succeeded() : new Outcome.Failed(exit, null);
    Instant start = Instant.parse("2026-11-21T12:00:00Z");
    AttemptResult r =
        new AttemptResult(
            null,
            id,
            c.attempt(),
            "fake-w",
            1L,
            "host",
            start,
            start.plusMillis(1500),
            Duration.ofMillis(1500),
            outcome,
            null,
            null,
            new OutputCapture(layout.relative(out), (long) stdout.length(), false),
            null,
            null,
            null,
            null,
            null,
            null);
    files.publishIfAbsent(layout.result(id, c.attempt()), SpoolJson.write(r));
    TaskName to =
        exit == 0
            ? new TaskName.Terminal(TaskState.DONE, id)
            : new TaskName.Parked(TaskState.FAILED, id, c.attempt());
    moves.tryMove(c, to, Actor.WORKER);
  }

  /** Claims {@code id} from pending/ and leaves it running, with no output yet. */
  TaskName.Claimed claim(String id) throws IOException {
    TaskName.Pending p = pending(id).orElseThrow(() -> new AssertionError(id + " is not pending"));
    return moves.tryClaim(p, "fake-w", 1).orElseThrow();
  }

  private Optional<TaskName.Pending> pending(String id) throws IOException {
    try (Stream<Path> s = Files.list(layout.dir(TaskState.PENDING))) {
      return s.map(p -> layout.parse(TaskState.PENDING, p.getFileName().toString()))
          .flatMap(Optional::stream)
          .map(TaskName.Pending.class::cast)
          .filter(n -> n.id().equals(id))
          .findFirst();
    }
  }
}
