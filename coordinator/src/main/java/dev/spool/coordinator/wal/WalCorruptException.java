package dev.spool.coordinator.wal;

import java.nio.file.Path;

/**
 * A record in the middle of a write-ahead log is damaged (bad frame, bad checksum, or a checksummed
 * payload that does not decode). Start-up stops: skipping a decision could apply half of it, and
 * dropping the rest of the log could forget decisions whose renames never happened. {@code spool
 * fsck} explains the recovery (inspect the record at the offset, cut the file there by hand).
 */
public final class WalCorruptException extends Exception {
  private static final long serialVersionUID = 1L;

  private final transient Path file;
  private final long offset;
  private final String reason;

  public WalCorruptException(Path file, long offset, String reason) {
    super(
        "write-ahead log "
            + file
            + " is corrupt at byte offset "
            + offset
            + ": "
            + reason
            + "; the coordinator will not start until it is repaired (see spool fsck)");
    this.file = file;
    this.offset = offset;
    this.reason = reason;
  }

  /** What is wrong with the record, e.g. {@code checksum mismatch}. */
  public String reason() {
    return reason;
  }

  public Path file() {
    return file;
  }

  /** Byte offset of the first byte of the damaged record (the start of its line). */
  public long offset() {
    return offset;
  }
}
