package dev.spool.coordinator.dashboard;

import dev.spool.protocol.fs.AtomicFiles;
import dev.spool.protocol.fs.FileOps;
import dev.spool.protocol.heartbeat.Heartbeat;
import dev.spool.protocol.heartbeat.RunningTask;
import dev.spool.protocol.json.SpoolJson;
import dev.spool.protocol.result.AttemptResult;
import dev.spool.protocol.result.EndNote;
import dev.spool.protocol.result.Outcome;
import dev.spool.protocol.result.OutputCapture;
import dev.spool.protocol.result.Usage;
import dev.spool.protocol.spool.Actor;
import dev.spool.protocol.spool.SpoolFormatException;
import dev.spool.protocol.spool.SpoolLayout;
import dev.spool.protocol.spool.TaskMoves;
import dev.spool.protocol.spool.TaskName;
import dev.spool.protocol.spool.TaskState;
import dev.spool.protocol.spool.TerminalReason;
import dev.spool.protocol.task.Condition;
import dev.spool.protocol.task.Dependency;
import dev.spool.protocol.task.Task;
import dev.spool.protocol.task.TaskBuilder;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * A spool written the way workers write it (publish, claim, logs, result, fenced finish), without
 * running anything: the seed for the dashboard's tests.
 */
final class SeededSpool {
  static final Instant T0 = Instant.parse("2026-11-21T12:00:00Z");

  final SpoolLayout layout;
  private final TaskMoves moves;
  private final AtomicFiles files;
  private long enqueued = T0.toEpochMilli();

  SeededSpool(Path root) throws IOException, SpoolFormatException {
    this.layout = SpoolLayout.create(root, T0);
    this.files = new AtomicFiles(FileOps.real(), layout.tmp(), false);
    this.moves = new TaskMoves(layout, files);
  }

  /** Publishes a pending task of {@code type} with {@code labels}. */
  TaskName.Pending submit(String id, String type, Map<String, String> labels) throws IOException {
    TaskBuilder b = Task.builder(id).argv(List.of("true")).createdAt(T0);
    if (type != null) {
      b.type(type);
    }
    labels.forEach(b::label);
    TaskName.Pending name = new TaskName.Pending(500, enqueued++, id, 1);
    moves.publish(name, b.build());
    return name;
  }

  /** Publishes a task into blocked/ that waits for {@code dependency} to succeed. */
  void submitBlocked(String id, String dependency) throws IOException {
    Task t =
        Task.builder(id)
            .argv(List.of("true"))
            .createdAt(T0)
            .dependsOn(new Dependency(dependency, Condition.SUCCESS))
            .build();
    moves.publish(new TaskName.Parked(TaskState.BLOCKED, id, 1), t);
  }

  /** Claims a pending task for {@code worker}: it is running. */
  TaskName.Claimed claim(TaskName.Pending p, String worker) throws IOException {
    return moves.tryClaim(p, worker, 1).orElseThrow();
  }

  /**
   * Ends a claimed attempt with {@code exit}, its output in the logs (a stream that wrote nothing
   * has no log, as a worker leaves it), and the fenced finish.
   */
  void finish(TaskName.Claimed c, int exit, String stdout, String stderr) throws IOException {
    String id = c.id();
    Path out = layout.stdoutLog(id, c.attempt());
    Path err = layout.stderrLog(id, c.attempt());
    if (!stdout.isEmpty()) {
      Files.writeString(out, stdout);
    }
    if (!stderr.isEmpty()) {
      Files.writeString(err, stderr);
    }
    Outcome outcome = exit == 0 ? new Outcome.Succeeded() : new Outcome.Failed(exit, null);
    Instant start = T0.plusSeconds(2);
    AttemptResult r =
        new AttemptResult(
            null,
            id,
            c.attempt(),
            c.worker(),
            1L,
            "vm-1",
            start,
            start.plusMillis(1500),
            Duration.ofMillis(1500),
            outcome,
            exit == 0 ? null : "plain_failure",
            null,
            new OutputCapture(layout.relative(out), (long) stdout.length(), false),
            new OutputCapture(layout.relative(err), (long) stderr.length(), false),
            new Usage(100L, 20L, 0.0042, "test-model"),
            null,
            null,
            null,
            null);
    files.publishIfAbsent(layout.result(id, c.attempt()), SpoolJson.write(r));
    TaskName to =
        exit == 0
            ? new TaskName.Terminal(TaskState.DONE, id)
            : new TaskName.Parked(TaskState.FAILED, id, c.attempt());
    if (!moves.tryMove(c, to, Actor.WORKER)) {
      throw new AssertionError("finish lost its claim: " + c);
    }
  }

  /** Runs a task to the end in one go. */
  void run(String id, String type, Map<String, String> labels, int exit, String out)
      throws IOException {
    finish(claim(submit(id, type, labels), "w1"), exit, out, exit == 0 ? "" : "boom\n");
  }

  /** Moves a failed task to dead/ with an end note, as the coordinator does. */
  void kill(String id, int attempt) throws IOException {
    files.replace(
        layout.endNote(id),
        SpoolJson.write(
            new EndNote(
                null,
                id,
                TaskState.DEAD,
                TerminalReason.MAX_RETRIES,
                T0,
                attempt,
                null,
                "gave up")));
    moves.tryMove(
        new TaskName.Parked(TaskState.FAILED, id, attempt),
        new TaskName.Terminal(TaskState.DEAD, id),
        Actor.COORDINATOR);
  }

  void heartbeat(String worker, long seq, int used, List<String> running) throws IOException {
    List<RunningTask> tasks =
        running.stream().map(id -> new RunningTask(id, 1, T0, 10L, T0)).toList();
    Heartbeat hb =
        new Heartbeat(
            null, worker, 1L, "vm-1", 42L, "0.1.0", T0, seq, T0, used, 4, List.of(), List.of(),
            List.of(), false, false, null, null, null, tasks, null, null, null, null, null);
    files.replace(layout.heartbeat(worker), SpoolJson.write(hb));
  }
}
