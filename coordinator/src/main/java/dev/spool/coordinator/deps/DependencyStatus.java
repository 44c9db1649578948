package dev.spool.coordinator.deps;

import dev.spool.protocol.spool.TaskState;
import dev.spool.protocol.task.Dependency;
import java.util.Objects;

/** Where a blocked task's dependencies stand. */
public sealed interface DependencyStatus {

  /** Every condition is met: release the task. */
  record Met() implements DependencyStatus {}

  /** Some dependency has not reached a terminal state yet. */
  record Waiting(Dependency first) implements DependencyStatus {}

  /** {@code dependency} ended in {@code state}, where its condition can never be met. */
  record Unmeetable(Dependency dependency, TaskState state) implements DependencyStatus {
    public Unmeetable {
      Objects.requireNonNull(dependency, "dependency");
      Objects.requireNonNull(state, "state");
    }

    public String message() {
      return "dependency "
          + dependency.id()
          + " ended in "
          + state.dirName()
          + "/ but the condition is "
          + dependency.condition().code();
    }
  }
}
