package dev.spool.protocol.result;

import dev.spool.protocol.FieldException;
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
    if (schemaVersion != 1) {
      throw new FieldException(
          "schema_version", "end note schema " + schemaVersion + " is not supported");
    }
    Require.id(taskId, "task_id");
    Require.nonNull(state, "state");
    if (state != TaskState.DEAD && state != TaskState.CANCELLED) {
      throw new FieldException("state", "must be dead or cancelled (got " + state.code() + ")");
    }
    if (dependency != null) {
      Require.id(dependency, "dependency");
    }
    Require.nonNull(reason, "reason");
  }
}
