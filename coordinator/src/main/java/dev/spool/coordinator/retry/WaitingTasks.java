package dev.spool.coordinator.retry;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.spool.coordinator.decision.Decision;
import dev.spool.coordinator.decision.TaskReader;
import dev.spool.protocol.spool.TaskName;
import dev.spool.protocol.spool.TaskState;
import dev.spool.protocol.spool.TerminalReason;
import dev.spool.protocol.task.Task;
import java.io.IOException;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Tasks waiting to start: scheduled/ entries whose due time (from the name, on the coordinator's
 * wall clock) passed become pending (same priority, enqueue time = due time); a task that waited
 * longer than its {@code queue_timeout} before its first start expires to dead/ ({@code expired}).
 *
 * <p>The wait is measured from {@code max(created_at, not_before)} (a delayed task does not expire
 * while it is not allowed to run), and only for attempt 1: a retry already started once. Task files
 * are read once and their deadline cached by file name (names are unique and task files immutable);
 * {@link #retain} drops entries for files no longer listed, so memory follows the number of waiting
 * tasks. Not thread-safe.
 */
public final class WaitingTasks {
  private final TaskReader tasks;
  private final Map<TaskName, Optional<Instant>> deadlines = new HashMap<>();

  public WaitingTasks(TaskReader tasks) {
    this.tasks = tasks;
  }

  public Optional<Decision> decide(TaskName waiting, Instant now) throws IOException {
    return decide(tasks.once(waiting), now);
  }

  /** As {@link #decide(TaskName, Instant)}, reading the file through {@code file}. */
  public Optional<Decision> decide(TaskReader.Once file, Instant now) throws IOException {
    TaskName waiting = file.name();
    Optional<Instant> deadline = deadline(file);
    if (deadline.isPresent() && now.isAfter(deadline.get())) {
      ObjectNode detail = Decision.newDetail();
      detail.put("message", "waited past its queue_timeout (deadline " + deadline.get() + ")");
      return Optional.of(Decision.dead(waiting, TerminalReason.EXPIRED, detail));
    }
    if (waiting instanceof TaskName.Scheduled) {
      TaskName.Scheduled s = (TaskName.Scheduled) waiting;
      if (s.dueMillis() <= now.toEpochMilli()) {
        TaskName.Pending p = new TaskName.Pending(s.priority(), s.dueMillis(), s.id(), s.attempt());
        return Optional.of(new Decision(Decision.DUE, s, p, null, null, null));
      }
    }
    return Optional.empty();
  }

  /**
   * Forgets cached deadlines of files in the {@code scanned} states that are not {@code listed}.
   */
  public void retain(Set<TaskName> listed, Set<TaskState> scanned) {
    deadlines.keySet().removeIf(n -> scanned.contains(n.state()) && !listed.contains(n));
  }

  private Optional<Instant> deadline(TaskReader.Once file) throws IOException {
    TaskName name = file.name();
    if (name.attempt() != 1) {
      return Optional.empty();
    }
    Optional<Instant> cached = deadlines.get(name);
    if (cached != null) {
      return cached;
    }
    Optional<Task> task = file.get();
    if (task.isEmpty()) {
      return Optional.empty();
    }
    Optional<Instant> d = Optional.empty();
    Task t = task.get();
    if (t.queueTimeout() != null) {
      Instant from = t.createdAt() != null ? t.createdAt() : Instant.ofEpochMilli(enqueued(name));
      if (t.notBefore() != null && t.notBefore().isAfter(from)) {
        from = t.notBefore();
      }
      d = Optional.of(from.plus(t.queueTimeout()));
    }
    deadlines.put(name, d);
    return d;
  }

  private static long enqueued(TaskName name) {
    if (name instanceof TaskName.Pending) {
      return ((TaskName.Pending) name).enqueuedMillis();
    }
    return ((TaskName.Scheduled) name).dueMillis();
  }
}
