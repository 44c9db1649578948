package dev.spool.coordinator.decision;

import dev.spool.protocol.InvalidInputException;
import dev.spool.protocol.spool.Quarantine;
import dev.spool.protocol.spool.SpoolLayout;
import dev.spool.protocol.spool.TaskFiles;
import dev.spool.protocol.spool.TaskName;
import dev.spool.protocol.task.Task;
import java.io.IOException;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads the task file a decision is about. A file that vanished is an expected race (a worker
 * claimed it, an operator moved it) and comes back empty; an invalid or unsafe file is moved to
 * quarantine/ with its reason (never dropped, never left to block the loop) and also comes back
 * empty. Thread-safe.
 */
public final class TaskReader {
  private static final Logger log = LoggerFactory.getLogger(TaskReader.class);

  private final SpoolLayout layout;
  private final TaskFiles taskFiles;
  private final Quarantine quarantine;

  public TaskReader(SpoolLayout layout, Quarantine quarantine) {
    this.layout = layout;
    this.taskFiles = new TaskFiles(layout);
    this.quarantine = quarantine;
  }

  public SpoolLayout layout() {
    return layout;
  }

  /**
   * The task behind {@code name}, read when first asked for and then remembered, so that several
   * decisions about one listed file (a pending task's queue deadline and its routing) read and
   * parse it once.
   */
  public Once once(TaskName name) {
    return new Once(name);
  }

  /** One file's task, read at most once ({@link #once}). Not thread-safe. */
  public final class Once {
    private final TaskName name;
    private Optional<Task> task;

    private Once(TaskName name) {
      this.name = name;
    }

    public TaskName name() {
      return name;
    }

    /** The task as {@link #read} returns it, reading only on the first call. */
    public Optional<Task> get() throws IOException {
      if (task == null) {
        task = read(name);
      }
      return task;
    }
  }

  public Optional<Task> read(TaskName name) throws IOException {
    Path path = layout.path(name);
    try {
      return Optional.of(taskFiles.read(path, name.id()));
    } catch (NoSuchFileException e) {
      log.debug("task_vanished file={}", layout.relative(path));
      return Optional.empty();
    } catch (InvalidInputException e) {
      log.warn("task_quarantined file={} reason={}", layout.relative(path), e.getMessage());
      quarantine.quarantine(path, e.getMessage(), "coordinator");
      return Optional.empty();
    }
  }
}
