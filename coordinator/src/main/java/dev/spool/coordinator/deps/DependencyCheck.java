package dev.spool.coordinator.deps;

import dev.spool.protocol.spool.SpoolLayout;
import dev.spool.protocol.spool.TaskState;
import dev.spool.protocol.task.Condition;
import dev.spool.protocol.task.Dependency;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.util.List;
import java.util.Optional;
import java.util.function.Function;

/**
 * Evaluates {@code depends_on}: {@code success} is met by done/, {@code any} by any terminal state,
 * {@code failure} by dead/ or cancelled/. A condition whose dependency reached a terminal state
 * that does not meet it can never be met. Stateless.
 */
public final class DependencyCheck {
  private DependencyCheck() {}

  /**
   * @param terminalState the terminal state of a task id, or empty while it is not terminal
   */
  public static DependencyStatus evaluate(
      List<Dependency> deps, Function<String, Optional<TaskState>> terminalState) {
    Dependency waitingOn = null;
    for (Dependency d : deps) {
      Optional<TaskState> state = terminalState.apply(d.id());
      if (state.isEmpty()) {
        waitingOn = waitingOn == null ? d : waitingOn;
      } else if (!meets(d.condition(), state.get())) {
        return new DependencyStatus.Unmeetable(d, state.get());
      }
    }
    return waitingOn == null ? new DependencyStatus.Met() : new DependencyStatus.Waiting(waitingOn);
  }

  static boolean meets(Condition c, TaskState terminal) {
    switch (c) {
      case SUCCESS:
        return terminal == TaskState.DONE;
      case FAILURE:
        return terminal == TaskState.DEAD || terminal == TaskState.CANCELLED;
      default:
        return true;
    }
  }

  /**
   * A task's terminal state by stat of {@code done/ID.json}, {@code dead/ID.json}, {@code
   * cancelled/ID.json}: cost independent of how many tasks finished.
   */
  public static Optional<TaskState> terminalByStat(SpoolLayout layout, String id) {
    for (TaskState s : List.of(TaskState.DONE, TaskState.DEAD, TaskState.CANCELLED)) {
      if (Files.exists(layout.terminal(s, id), LinkOption.NOFOLLOW_LINKS)) {
        return Optional.of(s);
      }
    }
    return Optional.empty();
  }
}
