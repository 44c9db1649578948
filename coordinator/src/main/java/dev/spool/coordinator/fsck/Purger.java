package dev.spool.coordinator.fsck;

import dev.spool.protocol.InvalidInputException;
import dev.spool.protocol.fs.FileSystemClock;
import dev.spool.protocol.spool.SpoolLayout;
import dev.spool.protocol.spool.TaskFiles;
import dev.spool.protocol.spool.TaskName;
import dev.spool.protocol.spool.TaskState;
import dev.spool.protocol.task.Task;
import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Removes (or archives) terminal tasks older than a given age with their results, end notes and
 * logs, so the spool does not grow with finished work. Age is the terminal file's modification time
 * against the file system's own clock. The task file goes last: a crash midway leaves a task with
 * part of its history, which is still a valid task, never a history without a task.
 */
public final class Purger {
  private final SpoolLayout layout;

  public Purger(SpoolLayout layout) {
    this.layout = layout;
  }

  /**
   * Purges terminal tasks in {@code states} older than {@code olderThan}.
   *
   * @param archive a directory on the same file system to move the files into, or null to delete
   * @return the ids purged
   */
  public List<String> purge(Duration olderThan, List<TaskState> states, Path archive)
      throws IOException {
    long cutoff = FileSystemClock.nowMillis(layout.tmp()) - olderThan.toMillis();
    Map<String, TaskName> chosen = new HashMap<>();
    for (TaskState s : states) {
      if (!s.isTerminal()) {
        throw new IllegalArgumentException("only terminal states are purged, not " + s.code());
      }
      try (DirectoryStream<Path> dir = Files.newDirectoryStream(layout.dir(s))) {
        for (Path p : dir) {
          Optional<TaskName> n = layout.parse(s, p.getFileName().toString());
          if (n.isPresent() && FileSystemClock.mtimeMillis(p) < cutoff) {
            chosen.put(n.get().id(), n.get());
          }
        }
      }
    }
    if (chosen.isEmpty()) {
      return List.of();
    }
    Map<String, List<Path>> records = filesById(layout.results(), chosen);
    Map<String, List<Path>> logs = filesById(layout.logs(), chosen);
    List<String> purged = new ArrayList<>();
    for (Map.Entry<String, TaskName> e : chosen.entrySet()) {
      for (Path p : records.getOrDefault(e.getKey(), List.of())) {
        dispose(p, archive, "results");
      }
      for (Path p : logs.getOrDefault(e.getKey(), List.of())) {
        dispose(p, archive, "logs");
      }
      forgetKey(layout.path(e.getValue()), e.getKey());
      dispose(layout.path(e.getValue()), archive, e.getValue().state().code());
      purged.add(e.getKey());
    }
    return purged;
  }

  /** One listing of {@code dir}, grouping the files of the chosen ids (named {@code <id>~...}). */
  private static Map<String, List<Path>> filesById(Path dir, Map<String, TaskName> chosen)
      throws IOException {
    Map<String, List<Path>> out = new HashMap<>();
    try (DirectoryStream<Path> ds = Files.newDirectoryStream(dir)) {
      for (Path p : ds) {
        String name = p.getFileName().toString();
        int tilde = name.indexOf('~');
        if (tilde > 0 && chosen.containsKey(name.substring(0, tilde))) {
          out.computeIfAbsent(name.substring(0, tilde), k -> new ArrayList<>()).add(p);
        }
      }
    }
    return out;
  }

  /** A purged task's idempotency key is free again: a later submit makes a new task. */
  private void forgetKey(Path taskFile, String id) throws IOException {
    try {
      Task t = new TaskFiles(layout).read(taskFile, id);
      if (t.idempotencyKey() != null) {
        Files.deleteIfExists(layout.idempotencyRecord(t.idempotencyKey()));
      }
    } catch (NoSuchFileException | InvalidInputException e) {
      // gone or unreadable: no key to free (fsck reports a reservation left without its task)
    }
  }

  private void dispose(Path p, Path archive, String sub) throws IOException {
    try {
      if (archive == null) {
        Files.deleteIfExists(p);
      } else {
        Path dir = archive.resolve(sub);
        Files.createDirectories(dir);
        Files.move(p, dir.resolve(p.getFileName()), StandardCopyOption.ATOMIC_MOVE);
      }
    } catch (NoSuchFileException e) {
      // removed meanwhile by another purge: the goal is reached
    }
  }
}
