package dev.spool.protocol.wal;

import com.fasterxml.jackson.databind.JsonNode;
import dev.spool.protocol.FieldException;
import dev.spool.protocol.Require;
import java.time.Instant;

/**
 * One decision of the coordinator, appended to the write-ahead log before the renames it announces.
 * The framing (length and checksum per line) belongs to the coordinator's log; this is the payload.
 *
 * @param seq position in the log, strictly increasing
 * @param epoch the coordinator lease epoch that made the decision (fencing)
 * @param op what was decided, e.g. {@code requeue}, {@code retry}, {@code dead}, {@code release}
 * @param from the file the decision moves (relative to the spool root), if any
 * @param to where it goes (relative to the spool root), if any
 */
public record WalRecord(
    Integer schemaVersion,
    Long seq,
    Long epoch,
    Instant at,
    String op,
    String taskId,
    Integer attempt,
    String from,
    String to,
    String reason,
    Instant dueAt,
    JsonNode detail) {
  public static final int SCHEMA_VERSION = 1;

  public WalRecord {
    schemaVersion = schemaVersion == null ? SCHEMA_VERSION : schemaVersion;
    if (schemaVersion < 1 || schemaVersion > SCHEMA_VERSION) {
      throw new FieldException(
          "schema_version", "WAL schema " + schemaVersion + " is not supported");
    }
    Require.nonNull(seq, "seq");
    Require.nonNull(epoch, "epoch");
    Require.nonNull(op, "op");
    Require.name(op, "op");
    if (taskId != null) {
      Require.id(taskId, "task_id");
    }
  }
}
