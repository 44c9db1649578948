package dev.spool.worker.testing;

import dev.spool.protocol.InvalidInputException;
import dev.spool.protocol.fs.AtomicFiles;
import dev.spool.protocol.fs.FileOps;
import dev.spool.protocol.heartbeat.Heartbeat;
import dev.spool.protocol.json.SpoolJson;
import dev.spool.protocol.result.AttemptResult;
import dev.spool.protocol.spool.SpoolLayout;
import dev.spool.protocol.spool.TaskMoves;
import dev.spool.protocol.spool.TaskName;
import dev.spool.protocol.spool.TaskState;
import dev.spool.protocol.task.Task;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.stream.Stream;

/** A real spool in a temporary directory, with helpers to submit tasks and read outcomes. */
public final class TestSpool {
  public final SpoolLayout layout;
  public final AtomicFiles files;
  public final TaskMoves moves;

  public TestSpool(Path root) throws Exception {
    layout = SpoolLayout.create(root, Instant.now());
    files = new AtomicFiles(FileOps.real(), layout.tmp(), false);
    moves = new TaskMoves(layout, files);
  }

  /** Submits {@code task} to pending/ as attempt 1. */
  public TaskName.Pending submit(Task task) throws IOException {
    TaskName.Pending name =
        new TaskName.Pending(task.priority(), task.createdAt().toEpochMilli(), task.id(), 1);
    moves.publish(name, task);
    return name;
  }

  public List<String> names(TaskState state) throws IOException {
    try (Stream<Path> s = Files.list(layout.dir(state))) {
      return s.map(p -> p.getFileName().toString())
          .filter(n -> !n.startsWith("."))
          .sorted()
          .toList();
    }
  }

  public int count(TaskState state) {
    try {
      return names(state).size();
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }

  public boolean exists(TaskState state, String id) {
    return Files.exists(layout.terminal(state, id));
  }

  public AttemptResult result(String id, int attempt) throws IOException, InvalidInputException {
    Path p = layout.result(id, attempt);
    return SpoolJson.read(p.toString(), Files.readAllBytes(p), AttemptResult.class);
  }

  public Heartbeat heartbeat(String worker) throws IOException, InvalidInputException {
    Path p = layout.heartbeat(worker);
    return SpoolJson.read(p.toString(), Files.readAllBytes(p), Heartbeat.class);
  }

  /** Result files of {@code id} (any attempt, stale ones included). */
  public List<String> resultsOf(String id) throws IOException {
    try (Stream<Path> s = Files.list(layout.results())) {
      return s.map(p -> p.getFileName().toString()).filter(n -> n.startsWith(id + "~")).toList();
    }
  }
}
