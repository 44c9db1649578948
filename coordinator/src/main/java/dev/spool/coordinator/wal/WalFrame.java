package dev.spool.coordinator.wal;

import dev.spool.protocol.InvalidInputException;
import dev.spool.protocol.json.SpoolJson;
import dev.spool.protocol.wal.WalRecord;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Optional;
import java.util.zip.CRC32C;

/**
 * The framing of one WAL line: {@code <length> <crc32c> <json>\n}, where {@code length} is the
 * decimal byte length of {@code json}, {@code crc32c} is the CRC-32C of those bytes as 8 lowercase
 * hex digits, and {@code json} is the compact {@link SpoolJson} form of a {@link WalRecord} (which
 * never contains a raw newline). Stateless.
 */
final class WalFrame {
  static final int MAX_PAYLOAD = SpoolJson.MAX_DOCUMENT_BYTES;

  private WalFrame() {}

  static byte[] encode(WalRecord record) {
    byte[] json = SpoolJson.write(record);
    String header = json.length + " " + crc(json, 0, json.length) + " ";
    byte[] head = header.getBytes(StandardCharsets.US_ASCII);
    byte[] line = Arrays.copyOf(head, head.length + json.length + 1);
    System.arraycopy(json, 0, line, head.length, json.length);
    line[line.length - 1] = '\n';
    return line;
  }

  static String crc(byte[] data, int from, int length) {
    CRC32C crc = new CRC32C();
    crc.update(data, from, length);
    return String.format("%08x", crc.getValue());
  }

  /** What a line (without its newline) holds. */
  sealed interface Parsed permits Good, Bad {}

  /** A frame whose checksum matches; {@code frameLength} excludes the newline. */
  record Good(WalRecord record, int frameLength) implements Parsed {}

  /**
   * A damaged frame. {@code intactPrefix} is true when the line starts with a complete, valid frame
   * followed by more bytes: two records merged by a damaged newline, never a torn write.
   */
  record Bad(String reason, boolean intactPrefix) implements Parsed {}

  /** Parses {@code buf[from, to)}, one line without its newline. */
  static Parsed parse(byte[] buf, int from, int to, String source) {
    int sp1 = indexOf(buf, from, to, (byte) ' ');
    if (sp1 <= from || sp1 - from > 7) {
      return new Bad("no length field", false);
    }
    Optional<Integer> length = decimal(buf, from, sp1);
    if (length.isEmpty() || length.get() > MAX_PAYLOAD) {
      return new Bad("length field is not a number up to " + MAX_PAYLOAD, false);
    }
    int crcStart = sp1 + 1;
    int jsonStart = crcStart + 9;
    if (jsonStart > to || buf[crcStart + 8] != ' ') {
      return new Bad("no checksum field", false);
    }
    int jsonEnd = jsonStart + length.get();
    if (jsonEnd > to) {
      return new Bad("line is shorter than its length field says", false);
    }
    String crcText = new String(buf, crcStart, 8, StandardCharsets.US_ASCII);
    if (!crcText.equals(crc(buf, jsonStart, length.get()))) {
      return new Bad("checksum mismatch", false);
    }
    if (jsonEnd != to) {
      return new Bad("line is longer than its length field says", true);
    }
    try {
      byte[] json = Arrays.copyOfRange(buf, jsonStart, jsonEnd);
      return new Good(SpoolJson.read(source, json, WalRecord.class), to - from);
    } catch (InvalidInputException e) {
      return new Bad("checksummed record does not decode: " + e.getMessage(), true);
    }
  }

  private static int indexOf(byte[] buf, int from, int to, byte b) {
    for (int i = from; i < to; i++) {
      if (buf[i] == b) {
        return i;
      }
    }
    return -1;
  }

  private static Optional<Integer> decimal(byte[] buf, int from, int to) {
    int v = 0;
    for (int i = from; i < to; i++) {
      if (buf[i] < '0' || buf[i] > '9') {
        return Optional.empty();
      }
      v = v * 10 + (buf[i] - '0');
    }
    return Optional.of(v);
  }
}
