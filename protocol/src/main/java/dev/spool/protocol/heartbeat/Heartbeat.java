package dev.spool.protocol.heartbeat;

import dev.spool.protocol.FieldException;
import dev.spool.protocol.Require;
import java.time.Instant;
import java.util.List;

/**
 * A worker's heartbeat, rewritten atomically as {@code heartbeats/<worker>.json}. Observers judge
 * liveness only by whether {@code seq} changes, measured on their own monotonic clock; {@code
 * written_at} is for humans. {@code incarnation} grows with every start of a worker under the same
 * id, so a restarted worker can tell its predecessor's claims from its own. {@code succeeded_total}
 * and {@code failed_total} count this incarnation's finished attempts; {@code finished} lists the
 * ones since the previous heartbeat (at most {@link #MAX_FINISHED}). {@code claims_total} and
 * {@code claims_lost_total} count this incarnation's claim renames and the ones another claimer won
 * (optional: 0 when absent, as in heartbeats written before they existed).
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
    List<RunningTask> running,
    Long succeededTotal,
    Long failedTotal,
    List<FinishedTask> finished,
    Long claimsTotal,
    Long claimsLostTotal) {

  public static final int SCHEMA_VERSION = 1;

  /** At most this many entries in {@code finished}; a worker faster than that drops the oldest. */
  public static final int MAX_FINISHED = 256;

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
    succeededTotal = succeededTotal == null ? 0L : succeededTotal;
    failedTotal = failedTotal == null ? 0L : failedTotal;
    finished = finished == null ? List.of() : List.copyOf(finished);
    claimsTotal = claimsTotal == null ? 0L : claimsTotal;
    claimsLostTotal = claimsLostTotal == null ? 0L : claimsLostTotal;
  }
}
