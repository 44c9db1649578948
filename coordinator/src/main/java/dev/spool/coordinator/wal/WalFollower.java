package dev.spool.coordinator.wal;

import dev.spool.protocol.wal.WalRecord;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.HashMap;
import java.util.Map;
import java.util.Objects;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Follows the WAL directory of a running coordinator from another process, read-only: each {@link
 * #poll} reads only the bytes appended since the last one, so a reader that polls often costs what
 * the log grew, not what it holds.
 *
 * <p>Unlike the coordinator's own replay this never truncates or writes anything. A last line
 * without its newline is being appended: it is left for the next poll. A damaged line is skipped
 * and counted (the coordinator's next open names it). A file replaced under its name (compaction
 * writes a new file and renames it in) or shrunk is read again from its start; the records it
 * repeats come again with the seq they had, so a consumer that keeps the highest seq per key sees
 * each decision once.
 *
 * <p>Thread-safe (polls are serialized).
 */
public final class WalFollower {
  private static final Logger log = LoggerFactory.getLogger(WalFollower.class);
  private static final int CHUNK = 4 << 20;

  /** What one poll did. */
  public record Progress(long bytesRead, int records, int damaged, int filesReread) {}

  private static final class Position {
    Object fileKey;
    long offset;
  }

  private final Path dir;
  private final Map<Path, Position> positions = new HashMap<>();

  public WalFollower(Path dir) {
    this.dir = Objects.requireNonNull(dir, "dir");
  }

  /** Reads every complete record appended since the last poll, in log order, into {@code sink}. */
  public synchronized Progress poll(Consumer<WalRecord> sink) throws IOException {
    long bytes = 0;
    int records = 0;
    int damaged = 0;
    int reread = 0;
    Map<Path, Position> seen = new HashMap<>();
    for (Path file : WriteAheadLog.list(dir).values()) {
      Position pos = positions.computeIfAbsent(file, f -> new Position());
      seen.put(file, pos);
      BasicFileAttributes attrs;
      try {
        attrs = java.nio.file.Files.readAttributes(file, BasicFileAttributes.class);
      } catch (NoSuchFileException e) {
        continue; // removed after a compaction between the listing and here
      }
      Object key = attrs.fileKey();
      if ((pos.fileKey != null && !pos.fileKey.equals(key)) || attrs.size() < pos.offset) {
        pos.offset = 0;
        reread++;
      }
      pos.fileKey = key;
      long[] counts = readFrom(file, pos, attrs.size(), sink);
      bytes += counts[0];
      records += (int) counts[1];
      damaged += (int) counts[2];
    }
    positions.keySet().retainAll(seen.keySet());
    return new Progress(bytes, records, damaged, reread);
  }

  /** Reads whole lines from {@code pos.offset} to {@code size}; returns bytes, records, damaged. */
  private long[] readFrom(Path file, Position pos, long size, Consumer<WalRecord> sink)
      throws IOException {
    long[] counts = new long[3];
    try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
      while (pos.offset < size) {
        int want = (int) Math.min(CHUNK, size - pos.offset);
        ByteBuffer buf = ByteBuffer.allocate(want);
        while (buf.hasRemaining() && ch.read(buf, pos.offset + buf.position()) > 0) {
          // read until the chunk is full or the file ends
        }
        byte[] b = buf.array();
        int n = buf.position();
        int start = 0;
        for (int i = 0; i < n; i++) {
          if (b[i] != '\n') {
            continue;
          }
          WalFrame.Parsed parsed = WalFrame.parse(b, start, i, file + "@" + (pos.offset + start));
          if (parsed instanceof WalFrame.Good) {
            sink.accept(((WalFrame.Good) parsed).record());
            counts[1]++;
          } else {
            counts[2]++;
            log.warn(
                "wal_line_unreadable file={} offset={} reason={} consequence=skipped here",
                file,
                pos.offset + start,
                ((WalFrame.Bad) parsed).reason());
          }
          start = i + 1;
        }
        counts[0] += start;
        pos.offset += start;
        if (start == 0) {
          // No newline in a whole chunk: a line longer than any frame, or a tail being written.
          if (n == CHUNK) {
            counts[2]++;
            pos.offset += n;
          }
          break;
        }
      }
    } catch (NoSuchFileException e) {
      return counts;
    }
    return counts;
  }
}
