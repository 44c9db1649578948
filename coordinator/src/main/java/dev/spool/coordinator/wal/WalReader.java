package dev.spool.coordinator.wal;

import dev.spool.protocol.wal.WalRecord;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads one WAL file. A torn last record (a line without its newline, or a last line whose frame is
 * incomplete or fails its checksum) is what a crash during an append leaves: it is dropped and the
 * file truncated before it, so the next append starts on a clean line. A damaged record followed by
 * more lines is corruption and stops the replay with its offset.
 */
final class WalReader {
  private static final Logger log = LoggerFactory.getLogger(WalReader.class);

  private WalReader() {}

  /** The records of one file and how many bytes of torn tail were cut. */
  record Replay(List<WalRecord> records, long validBytes, long droppedBytes) {
    Replay {
      records = List.copyOf(records);
    }
  }

  static Replay replay(Path file) throws IOException, WalCorruptException {
    byte[] buf = Files.readAllBytes(file);
    List<WalRecord> records = new ArrayList<>();
    int pos = 0;
    while (pos < buf.length) {
      int nl = newline(buf, pos);
      if (nl < 0) {
        return truncate(file, records, pos, buf.length, "incomplete last line");
      }
      WalFrame.Parsed parsed = WalFrame.parse(buf, pos, nl, file + "@" + pos);
      if (parsed instanceof WalFrame.Good) {
        records.add(((WalFrame.Good) parsed).record());
        pos = nl + 1;
        continue;
      }
      WalFrame.Bad bad = (WalFrame.Bad) parsed;
      if (nl == buf.length - 1 && !bad.intactPrefix()) {
        return truncate(file, records, pos, buf.length, bad.reason());
      }
      throw new WalCorruptException(file, pos, bad.reason());
    }
    return new Replay(records, buf.length, 0);
  }

  /**
   * Checks one file without changing it (for {@code spool fsck}, which may run beside an active
   * coordinator that is appending): the corruption in the middle if there is one; a torn or
   * still-being-written last line is not a problem here.
   */
  static Optional<WalCorruptException> check(Path file) throws IOException {
    byte[] buf = Files.readAllBytes(file);
    int pos = 0;
    while (pos < buf.length) {
      int nl = newline(buf, pos);
      if (nl < 0) {
        return Optional.empty();
      }
      WalFrame.Parsed parsed = WalFrame.parse(buf, pos, nl, file + "@" + pos);
      if (parsed instanceof WalFrame.Bad) {
        WalFrame.Bad bad = (WalFrame.Bad) parsed;
        if (nl == buf.length - 1 && !bad.intactPrefix()) {
          return Optional.empty();
        }
        return Optional.of(new WalCorruptException(file, pos, bad.reason()));
      }
      pos = nl + 1;
    }
    return Optional.empty();
  }

  private static int newline(byte[] buf, int from) {
    for (int i = from; i < buf.length; i++) {
      if (buf[i] == '\n') {
        return i;
      }
    }
    return -1;
  }

  private static Replay truncate(
      Path file, List<WalRecord> records, long at, long size, String reason) throws IOException {
    try (FileChannel ch = FileChannel.open(file, StandardOpenOption.WRITE)) {
      ch.truncate(at);
      ch.force(true);
    }
    log.warn(
        "wal_torn_tail_truncated file={} offset={} dropped_bytes={} reason={}"
            + " consequence=the decision being appended at the crash is forgotten; it had not"
            + " been acted on",
        file,
        at,
        size - at,
        reason);
    return new Replay(records, at, size - at);
  }
}
