package dev.spool.bench;

import dev.spool.coordinator.submit.Submitter;
import dev.spool.protocol.fs.AtomicFiles;
import dev.spool.protocol.fs.FileOps;
import dev.spool.protocol.json.SpoolJson;
import dev.spool.protocol.spool.SpoolLayout;
import dev.spool.protocol.spool.TaskName;
import dev.spool.protocol.spool.TaskState;
import dev.spool.protocol.task.Task;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * Puts tasks into a benchmark spool. {@link #submit} is the durable path a submitting program uses
 * (the operator CLI's code, every fsync included). {@link #seedPending} and {@link #seedTerminal}
 * write large states fast, without fsyncs and with no daemon running: set-up for the scale
 * workload, not something it measures.
 */
final class Seeder {
  private final SpoolLayout layout;
  private final Submitter submitter;

  Seeder(SpoolLayout layout) {
    this.layout = layout;
    this.submitter =
        new Submitter(
            layout, new AtomicFiles(FileOps.real(), layout.tmp(), true), Clock.systemUTC());
  }

  static Task task(String id, List<String> argv) {
    return Task.ofArgv(id, Instant.now(), argv);
  }

  static List<Task> tasks(String prefix, int n, List<String> argv) {
    List<Task> out = new ArrayList<>(n);
    for (int i = 0; i < n; i++) {
      out.add(task(String.format("%s-%06d", prefix, i), argv));
    }
    return out;
  }

  /**
   * Durable submit, in order, through the same code as {@code spool submit --file}, in chunks of
   * {@value #CHUNK} tasks (one journal commit per chunk rather than per task) so workers start on
   * the first chunk while the rest is written: what a submitting program does.
   */
  void submit(List<Task> tasks) throws IOException {
    for (int i = 0; i < tasks.size(); i += CHUNK) {
      submitter.submitAll(tasks.subList(i, Math.min(tasks.size(), i + CHUNK)), id -> false);
    }
  }

  static final int CHUNK = 100;

  /**
   * Drops a task the way a user's script does: write a temporary file, then one rename into
   * pending/ under its grammar name (no fsync, as {@code mv} does not).
   */
  void drop(Task task, long enqueuedMillis) throws IOException {
    TaskName.Pending name = new TaskName.Pending(task.priority(), enqueuedMillis, task.id(), 1);
    Path tmp = layout.tmp().resolve("." + task.id() + ".json");
    Files.write(tmp, SpoolJson.write(task));
    Files.move(tmp, layout.path(name), StandardCopyOption.ATOMIC_MOVE);
  }

  /** Writes {@code count} pending {@code true} tasks, ids prefix-N from {@code from}. */
  void seedPending(String prefix, int from, int count, long enqueuedMillis) throws IOException {
    Instant created = Instant.ofEpochMilli(enqueuedMillis);
    for (int i = from; i < from + count; i++) {
      String id = String.format("%s-%07d", prefix, i);
      Task t = Task.ofArgv(id, created, List.of("true"));
      TaskName.Pending name = new TaskName.Pending(t.priority(), enqueuedMillis + i, id, 1);
      Files.write(layout.path(name), SpoolJson.write(t));
    }
  }

  /**
   * Writes {@code count} succeeded tasks (done/ file plus attempt-1 result), cloned from a task a
   * real worker finished ({@code sampleId}) with the id replaced, so every file is what the daemons
   * write.
   */
  void seedTerminal(String sampleId, String prefix, int from, int count) throws IOException {
    String done =
        Files.readString(layout.terminal(TaskState.DONE, sampleId), StandardCharsets.UTF_8);
    String result = Files.readString(layout.result(sampleId, 1), StandardCharsets.UTF_8);
    for (int i = from; i < from + count; i++) {
      String id = String.format("%s-%07d", prefix, i);
      Files.writeString(layout.result(id, 1), result.replace('"' + sampleId + '"', '"' + id + '"'));
      Files.writeString(
          layout.terminal(TaskState.DONE, id), done.replace('"' + sampleId + '"', '"' + id + '"'));
    }
  }
}
