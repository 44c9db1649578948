package dev.spool.protocol.result;

import dev.spool.protocol.Require;
import dev.spool.protocol.spool.TaskState;
import dev.spool.protocol.spool.TerminalReason;
import java.time.Instant;

/**
 * Why a task ended in dead/ or cancelled/: {@code results/<id>~end.json}, written (replacing any
 * older note) before the rename that moves the task there. A task in done/ needs none: its last
 * attempt's result says it succeeded.
 *
 * @param dependency the dependency that could not be met, for {@code dependency_failed}
 */
public record EndNote(
    Integer schemaVersion,
    String taskId,
    TaskState state,
    TerminalReason reason,
    Instant at,
    Integer attempts,
    String dependency,
    String message) {
  public EndNote {
    schemaVersion = schemaVersion == null ? 1 : schemaVersion;
    Require.id(taskId, "task_id");
    Require.nonNull(state, "state");
    Require.nonNull(reason, "reason");
  }
}
