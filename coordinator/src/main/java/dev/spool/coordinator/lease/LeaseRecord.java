package dev.spool.coordinator.lease;

import dev.spool.protocol.Require;
import java.time.Instant;

/**
 * The content of {@code state/coordinator.lease}: which coordinator is active. Standbys judge the
 * holder alive only by {@code seq} changing on their own monotonic clock; {@code written_at} is for
 * humans. {@code epoch} grows with every takeover and fences every WAL record.
 *
 * @param released true when the holder shut down cleanly: a standby may take over at once
 */
public record LeaseRecord(
    Integer schemaVersion,
    String owner,
    String host,
    Long pid,
    Long epoch,
    Long seq,
    Instant writtenAt,
    Boolean released) {
  public LeaseRecord {
    schemaVersion = schemaVersion == null ? 1 : schemaVersion;
    Require.id(owner, "owner");
    Require.nonNull(epoch, "epoch");
    Require.range(epoch, 1L, Long.MAX_VALUE, "epoch");
    Require.nonNull(seq, "seq");
    Require.range(seq, 0L, Long.MAX_VALUE, "seq");
    released = released != null && released;
  }
}
