package dev.spool.protocol.heartbeat;

import dev.spool.protocol.FieldException;
import dev.spool.protocol.Require;
import java.time.Instant;
import java.util.List;

/**
 * A worker's heartbeat, rewritten atomically as {@code heartbeats/<worker>.json}. Observers judge
 * liveness only by whether {@code seq} changes, measured on their own monotonic clock; {@code
 * written_at} is for humans. {@code incarnation} grows with every start of a worker under the same
 * id, so a restarted worker can tell its predecessor's claims from its own.
 */
public record Heartbeat(
    Integer schemaVersion,
    String workerId,
    Long incarnation,
    String host,
    Long pid,
    String version,
    Instant startedAt,
    Long seq,
    Instant writtenAt,
    Integer slotsUsed,
    Integer slotsTotal,
    List<String> capabilities,
    List<String> types,
    List<String> lanes,
    Boolean draining,
    Boolean stopped,
    Long heapUsedBytes,
    Long heapMaxBytes,
    Long tasksRssBytes,
    List<RunningTask> running) {

  public static final int SCHEMA_VERSION = 1;

  public Heartbeat {
    schemaVersion = schemaVersion == null ? SCHEMA_VERSION : schemaVersion;
    if (schemaVersion < 1 || schemaVersion > SCHEMA_VERSION) {
      throw new FieldException(
          "schema_version", "heartbeat schema " + schemaVersion + " is not supported");
    }
    Require.id(workerId, "worker_id");
    Require.nonNull(incarnation, "incarnation");
    Require.nonNull(seq, "seq");
    Require.range(seq, 0L, Long.MAX_VALUE, "seq");
    slotsUsed = slotsUsed == null ? 0 : slotsUsed;
    slotsTotal = slotsTotal == null ? 0 : slotsTotal;
    capabilities = Require.names(capabilities, "capabilities");
    types = Require.names(types, "types");
    lanes = Require.names(lanes, "lanes");
    draining = draining != null && draining;
    stopped = stopped != null && stopped;
    running = running == null ? List.of() : List.copyOf(running);
  }
}
