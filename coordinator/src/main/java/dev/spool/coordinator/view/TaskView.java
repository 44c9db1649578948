package dev.spool.coordinator.view;

import dev.spool.coordinator.submit.TaskLocator;
import dev.spool.protocol.InvalidInputException;
import dev.spool.protocol.fs.SafeFiles;
import dev.spool.protocol.json.SpoolJson;
import dev.spool.protocol.result.AttemptResult;
import dev.spool.protocol.result.EndNote;
import dev.spool.protocol.spool.SpoolLayout;
import dev.spool.protocol.spool.TaskFiles;
import dev.spool.protocol.spool.TaskName;
import dev.spool.protocol.task.Task;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/** Everything known of one task: its file, state, every attempt's result, and its end note. */
public record TaskView(TaskName name, Task task, List<AttemptResult> attempts, EndNote end) {

  /** Reads the task with the given id; empty when no state directory holds it. */
  public static Optional<TaskView> read(SpoolLayout layout, String id) throws IOException {
    TaskLocator locator = new TaskLocator(layout);
    for (int tries = 0; tries < 3; tries++) {
      Optional<TaskName> name = locator.find(id);
      if (name.isEmpty()) {
        return Optional.empty();
      }
      try {
        Task task = new TaskFiles(layout).read(layout.path(name.get()), id);
        return Optional.of(
            new TaskView(name.get(), task, attempts(layout, id), endNote(layout, id)));
      } catch (NoSuchFileException e) {
        // The task moved between locating and reading it: look again.
      } catch (InvalidInputException e) {
        throw new IOException(e.getMessage(), e);
      }
    }
    return Optional.empty();
  }

  /**
   * Reads the task at a name the caller already knows (from an index), without listing any
   * directory; empty when the task is no longer there (it moved: look it up again).
   */
  public static Optional<TaskView> readAt(SpoolLayout layout, TaskName name) throws IOException {
    try {
      Task task = new TaskFiles(layout).read(layout.path(name), name.id());
      return Optional.of(
          new TaskView(name, task, attempts(layout, name.id()), endNote(layout, name.id())));
    } catch (NoSuchFileException e) {
      return Optional.empty();
    } catch (InvalidInputException e) {
      throw new IOException(e.getMessage(), e);
    }
  }

  static List<AttemptResult> attempts(SpoolLayout layout, String id) throws IOException {
    List<AttemptResult> out = new ArrayList<>();
    for (int a = 1; ; a++) {
      Path p = layout.result(id, a);
      if (!Files.exists(p, LinkOption.NOFOLLOW_LINKS)) {
        return out;
      }
      try {
        out.add(
            SpoolJson.read(
                layout.relative(p),
                SafeFiles.readBounded(p, SpoolJson.MAX_DOCUMENT_BYTES),
                AttemptResult.class));
      } catch (InvalidInputException e) {
        throw new IOException(e.getMessage(), e);
      }
    }
  }

  static EndNote endNote(SpoolLayout layout, String id) throws IOException {
    Path p = layout.endNote(id);
    try {
      return SpoolJson.read(
          layout.relative(p),
          SafeFiles.readBounded(p, SpoolJson.MAX_DOCUMENT_BYTES),
          EndNote.class);
    } catch (NoSuchFileException e) {
      return null;
    } catch (InvalidInputException e) {
      throw new IOException(e.getMessage(), e);
    }
  }

  /** The last {@code maxBytes} of a log file inside the spool, or "" when there is none. */
  public static String tail(SpoolLayout layout, String relativePath, int maxBytes)
      throws IOException {
    if (relativePath == null) {
      return "";
    }
    Path p = layout.root().resolve(relativePath).normalize();
    if (!p.startsWith(layout.logs()) || !Files.isRegularFile(p, LinkOption.NOFOLLOW_LINKS)) {
      return "";
    }
    try (var ch =
        Files.newByteChannel(p, java.nio.file.StandardOpenOption.READ, LinkOption.NOFOLLOW_LINKS)) {
      long size = ch.size();
      long from = Math.max(0, size - maxBytes);
      ch.position(from);
      java.nio.ByteBuffer buf = java.nio.ByteBuffer.allocate((int) (size - from));
      while (buf.hasRemaining() && ch.read(buf) >= 0) {
        // read until full
      }
      return new String(buf.array(), 0, buf.position(), java.nio.charset.StandardCharsets.UTF_8);
    }
  }
}
