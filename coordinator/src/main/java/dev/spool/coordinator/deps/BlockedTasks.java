package dev.spool.coordinator.deps;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.spool.coordinator.decision.Decision;
import dev.spool.coordinator.decision.TaskReader;
import dev.spool.protocol.spool.TaskName;
import dev.spool.protocol.spool.TerminalReason;
import dev.spool.protocol.task.Task;
import java.io.IOException;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Releases blocked/ tasks whose dependencies are met (to pending/, or scheduled/ while {@code
 * not_before} is in the future) and dead-letters those whose dependencies can no longer be met
 * ({@code dependency_failed}, naming the dependency). A dependency's state is found by stat of its
 * terminal names, so the cost does not grow with finished tasks.
 *
 * <p>dead/ rather than cancelled/: nobody asked for the task to stop; it could not run, and dead/
 * is the set operators inspect and {@code spool retry} from. It also lets an {@code after-failure}
 * dependent of this task run. Not thread-safe.
 */
public final class BlockedTasks {
  private final TaskReader tasks;
  private final Map<TaskName, Task> cache = new HashMap<>();

  public BlockedTasks(TaskReader tasks) {
    this.tasks = tasks;
  }

  public Optional<Decision> decide(TaskName blocked, Instant now) throws IOException {
    Task task = cache.get(blocked);
    if (task == null) {
      Optional<Task> read = tasks.read(blocked);
      if (read.isEmpty()) {
        return Optional.empty();
      }
      task = read.get();
      cache.put(blocked, task);
    }
    DependencyStatus status =
        DependencyCheck.evaluate(
            task.dependsOn(), id -> DependencyCheck.terminalByStat(tasks.layout(), id));
    if (status instanceof DependencyStatus.Unmeetable) {
      DependencyStatus.Unmeetable u = (DependencyStatus.Unmeetable) status;
      ObjectNode detail = Decision.newDetail();
      detail.put("dependency", u.dependency().id());
      detail.put("message", u.message());
      return Optional.of(Decision.dead(blocked, TerminalReason.DEPENDENCY_FAILED, detail));
    }
    if (status instanceof DependencyStatus.Waiting) {
      return Optional.empty();
    }
    TaskName to =
        task.notBefore() != null && task.notBefore().isAfter(now)
            ? new TaskName.Scheduled(
                task.notBefore().toEpochMilli(), task.priority(), blocked.id(), blocked.attempt())
            : new TaskName.Pending(
                task.priority(), now.toEpochMilli(), blocked.id(), blocked.attempt());
    return Optional.of(new Decision(Decision.RELEASE, blocked, to, null, null, null));
  }

  /** Forgets cached tasks of files not in {@code listed}. */
  public void retain(Set<TaskName> listed) {
    cache.keySet().retainAll(listed);
  }
}
