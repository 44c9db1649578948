package dev.spool.protocol.lanes;

import dev.spool.protocol.FieldException;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Objects;

/**
 * The pending tasks that no live worker can run, {@code state/unroutable.json}: written (replaced
 * whole) by the active coordinator while it watches them, read by {@code spool status} and {@code
 * spool show} to say why a task waits. A task listed here goes to dead/ with reason {@code no_lane}
 * at {@code dead_at} unless a worker that can run it comes alive first. Advisory: the coordinator's
 * own memory decides; after a coordinator restart the wait starts again.
 *
 * @param at when the coordinator wrote it (its wall clock)
 * @param unroutableAfter how long a task may wait so before it goes to dead/
 * @param total how many pending tasks are unroutable ({@code tasks} lists at most {@link #MAX})
 * @param tasks the unroutable tasks, oldest wait first
 */
public record UnroutableNote(
    Instant at, Duration unroutableAfter, Integer total, List<Task> tasks) {
  /** At most this many tasks are listed. */
  public static final int MAX = 1000;

  public UnroutableNote {
    Objects.requireNonNull(at, "at");
    Objects.requireNonNull(unroutableAfter, "unroutable_after");
    Objects.requireNonNull(total, "total");
    tasks = tasks == null ? List.of() : List.copyOf(tasks);
    if (tasks.size() > MAX || total < tasks.size()) {
      throw new FieldException("tasks", "lists " + tasks.size() + " of total " + total);
    }
  }

  /**
   * One unroutable task.
   *
   * @param id the task
   * @param needs what it needs, e.g. {@code lane gemini or qwen (sovereign: local lanes only)}
   * @param since when the coordinator first saw no live worker for it
   * @param deadAt when it goes to dead/ ({@code no_lane})
   */
  public record Task(String id, String needs, Instant since, Instant deadAt) {
    public Task {
      Objects.requireNonNull(id, "id");
      Objects.requireNonNull(needs, "needs");
      Objects.requireNonNull(since, "since");
      Objects.requireNonNull(deadAt, "dead_at");
    }
  }
}
