package dev.spool.protocol.heartbeat;

import dev.spool.protocol.FieldException;
import dev.spool.protocol.Require;
import dev.spool.protocol.spool.TaskState;

/**
 * An attempt a worker finished since its previous heartbeat, and where its fenced finish moved the
 * task ({@code done}, {@code failed} or {@code cancelled}). Observers use it for events (hooks) and
 * throughput without listing the terminal directories.
 */
public record FinishedTask(String taskId, Integer attempt, TaskState state) {
  public FinishedTask {
    Require.id(taskId, "task_id");
    Require.nonNull(attempt, "attempt");
    Require.nonNull(state, "state");
    if (state != TaskState.DONE && state != TaskState.FAILED && state != TaskState.CANCELLED) {
      throw new FieldException(
          "state", "must be done, failed or cancelled (got " + state.code() + ")");
    }
  }
}
