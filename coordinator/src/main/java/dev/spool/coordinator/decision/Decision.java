package dev.spool.coordinator.decision;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.spool.protocol.json.SpoolJson;
import dev.spool.protocol.spool.SpoolLayout;
import dev.spool.protocol.spool.TaskName;
import dev.spool.protocol.spool.TaskState;
import dev.spool.protocol.spool.TerminalReason;
import dev.spool.protocol.wal.WalRecord;
import java.time.Instant;
import java.util.Objects;

/**
 * One coordinator decision before it is logged: move the task file {@code from} to {@code to}. The
 * op says what extra steps the move carries (see {@link DecisionApplier}):
 *
 * <ul>
 *   <li>{@code lost}: a dead worker's claim; publish {@code Outcome.Lost} for the attempt, then
 *       move to {@code to} (pending with the next attempt, or dead/ for max_lost), or apply the
 *       worker's own result if it was published first
 *   <li>{@code retry}: failed/ to scheduled/ (backoff) or pending/
 *   <li>{@code due}: scheduled/ to pending/
 *   <li>{@code release}: blocked/ to pending/ or scheduled/
 *   <li>{@code dead}: to dead/, with an end note carrying {@code reason}
 *   <li>{@code cancel}: to cancelled/, with an end note; then the cancel request is removed
 * </ul>
 *
 * @param detail extra facts for the applier and for humans: {@code worker}, {@code priority},
 *     {@code dependency}, {@code message}, {@code control}; may be empty
 */
public record Decision(
    String op,
    TaskName from,
    TaskName to,
    TerminalReason reason,
    Instant dueAt,
    ObjectNode detail) {
  public static final String LOST = "lost";
  public static final String RETRY = "retry";
  public static final String DUE = "due";
  public static final String RELEASE = "release";
  public static final String DEAD = "dead";
  public static final String CANCEL = "cancel";

  /** Marks an earlier decision (by {@code detail.seq}) as fully applied; not forced to disk. */
  public static final String APPLIED = "applied";

  public Decision {
    Objects.requireNonNull(op, "op");
    Objects.requireNonNull(from, "from");
    Objects.requireNonNull(to, "to");
    if (!from.id().equals(to.id())) {
      throw new IllegalArgumentException("a decision moves one task: " + from + " -> " + to);
    }
    detail = detail == null ? SpoolJson.mapper().createObjectNode() : detail.deepCopy();
  }

  public static ObjectNode newDetail() {
    return SpoolJson.mapper().createObjectNode();
  }

  /** A decision moving a task to dead/ with {@code reason}. */
  public static Decision dead(TaskName from, TerminalReason reason, ObjectNode detail) {
    return new Decision(
        DEAD, from, new TaskName.Terminal(TaskState.DEAD, from.id()), reason, null, detail);
  }

  public String taskId() {
    return from.id();
  }

  /** The WAL draft (seq and epoch are set by the log). */
  public WalRecord toDraft(SpoolLayout layout, Instant at) {
    return new WalRecord(
        null,
        0L,
        0L,
        at,
        op,
        from.id(),
        from.attempt() == 0 ? null : from.attempt(),
        layout.relative(layout.path(from)),
        layout.relative(layout.path(to)),
        reason == null ? null : reason.code(),
        dueAt,
        detail.isEmpty() ? null : detail);
  }
}
