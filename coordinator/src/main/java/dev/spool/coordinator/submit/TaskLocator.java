package dev.spool.coordinator.submit;

import dev.spool.protocol.Require;
import dev.spool.protocol.spool.SpoolLayout;
import dev.spool.protocol.spool.TaskName;
import dev.spool.protocol.spool.TaskState;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Optional;

/**
 * Finds the file of a task by id. Terminal and parked states are found by a stat of their names;
 * pending/, scheduled/ and claimed/ names carry more than the id, so those directories are listed
 * (filtered by the {@code ~id~} part of the name). The task may move while it is being looked for:
 * a miss in one state followed by a hit in none means it moved in between, and the lookup is
 * retried once.
 */
public final class TaskLocator {
  private static final TaskState[] LISTED = {
    TaskState.CLAIMED, TaskState.PENDING, TaskState.SCHEDULED
  };

  private final SpoolLayout layout;

  public TaskLocator(SpoolLayout layout) {
    this.layout = layout;
  }

  /** The task's current name, or empty if no state directory holds it. */
  public Optional<TaskName> find(String id) throws IOException {
    Require.id(id, "id");
    Optional<TaskName> first = findOnce(id);
    return first.isPresent() ? first : findOnce(id);
  }

  private Optional<TaskName> findOnce(String id) throws IOException {
    for (TaskState s : new TaskState[] {TaskState.DONE, TaskState.DEAD, TaskState.CANCELLED}) {
      TaskName t = new TaskName.Terminal(s, id);
      if (Files.exists(layout.path(t), LinkOption.NOFOLLOW_LINKS)) {
        return Optional.of(t);
      }
    }
    int last = lastAttempt(id);
    for (TaskState s : new TaskState[] {TaskState.FAILED, TaskState.BLOCKED, TaskState.HELD}) {
      for (int a = Math.max(1, last); a <= last + 1; a++) {
        TaskName t = new TaskName.Parked(s, id, a);
        if (Files.exists(layout.path(t), LinkOption.NOFOLLOW_LINKS)) {
          return Optional.of(t);
        }
      }
    }
    for (TaskState s : LISTED) {
      Optional<TaskName> t = scan(s, id);
      if (t.isPresent()) {
        return t;
      }
    }
    return Optional.empty();
  }

  /** The attempt of the task's claim (the attempt running now), or 0 when it is not claimed. */
  public int claimedAttempt(String id) throws IOException {
    Optional<TaskName> at = find(id);
    return at.isPresent() && at.get() instanceof TaskName.Claimed ? at.get().attempt() : 0;
  }

  /** The highest attempt with a result record; attempts are contiguous from 1. */
  public int lastAttempt(String id) {
    int a = 0;
    while (Files.exists(layout.result(id, a + 1), LinkOption.NOFOLLOW_LINKS)) {
      a++;
    }
    return a;
  }

  private Optional<TaskName> scan(TaskState state, String id) throws IOException {
    String marker = "~" + id + "~";
    String prefix = id + "~";
    try (DirectoryStream<Path> dir = Files.newDirectoryStream(layout.dir(state))) {
      for (Path p : dir) {
        String n = p.getFileName().toString();
        boolean candidate = state == TaskState.CLAIMED ? n.startsWith(prefix) : n.contains(marker);
        if (candidate) {
          Optional<TaskName> t = layout.parse(state, n);
          if (t.isPresent() && t.get().id().equals(id)) {
            return t;
          }
        }
      }
    } catch (NoSuchFileException e) {
      return Optional.empty();
    } catch (UncheckedIOException e) {
      throw e.getCause();
    }
    return Optional.empty();
  }
}
