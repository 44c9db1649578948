package dev.spool.coordinator.wal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.spool.protocol.fs.AtomicFiles;
import dev.spool.protocol.fs.FileOps;
import dev.spool.protocol.wal.WalRecord;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Collectors;
import java.util.zip.CRC32C;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

@Timeout(60)
class WriteAheadLogTest {
  private static final Instant AT = Instant.parse("2026-11-21T10:00:00Z");

  @TempDir Path dir;

  private AtomicFiles files() {
    return new AtomicFiles(FileOps.real(), dir, true);
  }

  private static WalRecord draft(String op, String task) {
    return new WalRecord(
        null, 0L, 0L, AT, op, task, 1, "failed/" + task + "~1.json", null, null, null, null);
  }

  /** A frame written by hand, the way PROTOCOL.md describes it. */
  private static String handFrame(String json) {
    byte[] b = json.getBytes(StandardCharsets.UTF_8);
    CRC32C crc = new CRC32C();
    crc.update(b);
    return b.length + " " + String.format("%08x", crc.getValue()) + " " + json + "\n";
  }

  private Path walFile(long epoch) {
    return dir.resolve(WriteAheadLog.fileName(epoch));
  }

  private List<String> tasks(WriteAheadLog wal) {
    return wal.replayed().stream().map(WalRecord::taskId).collect(Collectors.toList());
  }

  @Test
  void replaysAHandMadeLog() throws Exception {
    String log =
        handFrame(
                "{\"seq\":1,\"epoch\":3,\"at\":\"2026-11-21T10:00:00Z\",\"op\":\"retry\","
                    + "\"task_id\":\"a\",\"attempt\":1,\"from\":\"failed/a~1.json\","
                    + "\"to\":\"scheduled/1779357600000~499~a~2.json\","
                    + "\"due_at\":\"2026-11-21T10:00:00Z\"}")
            + handFrame(
                "{\"seq\":2,\"epoch\":3,\"op\":\"dead\",\"task_id\":\"b\",\"reason\":\"fatal\"}");
    Files.writeString(walFile(3), log);
    try (WriteAheadLog wal = WriteAheadLog.open(dir, 3, files())) {
      assertEquals(List.of("a", "b"), tasks(wal));
      assertEquals("scheduled/1779357600000~499~a~2.json", wal.replayed().get(0).to());
      assertEquals(3L, wal.replayed().get(1).epoch());
      WalRecord next = wal.append(draft("retry", "c"));
      assertEquals(3L, next.seq());
      assertEquals(3L, next.epoch());
    }
    assertEquals(List.of("a", "b", "c"), tasks(WriteAheadLog.open(dir, 3, files())));
  }

  @Test
  void appendsAreFramedOneRecordPerLine() throws Exception {
    try (WriteAheadLog wal = WriteAheadLog.open(dir, 1, files())) {
      wal.append(draft("retry", "a"));
      wal.append(draft("dead", "b"));
    }
    List<String> lines = Files.readAllLines(walFile(1));
    assertEquals(2, lines.size());
    for (String line : lines) {
      String json = line.substring(line.indexOf(' ', line.indexOf(' ') + 1) + 1);
      assertEquals(handFrame(json), line + "\n");
    }
  }

  @Test
  void aTornLastRecordIsTruncatedAtEveryByteOffset() throws Exception {
    try (WriteAheadLog wal = WriteAheadLog.open(dir, 1, files())) {
      wal.append(draft("retry", "a"));
      wal.append(draft("retry", "b"));
      wal.append(draft("retry", "c"));
    }
    byte[] full = Files.readAllBytes(walFile(1));
    int lastStart = lastLineStart(full);
    for (int cut = lastStart; cut < full.length; cut++) {
      Files.write(walFile(1), Arrays.copyOf(full, cut));
      try (WriteAheadLog wal = WriteAheadLog.open(dir, 1, files())) {
        assertEquals(List.of("a", "b"), tasks(wal), "cut at " + cut);
        assertEquals(lastStart, Files.size(walFile(1)), "truncated before the torn record");
        wal.append(draft("retry", "d"));
      }
      assertEquals(List.of("a", "b", "d"), tasks(WriteAheadLog.open(dir, 1, files())));
    }
  }

  @Test
  void aBadChecksumOnTheLastLineIsATornTail() throws Exception {
    try (WriteAheadLog wal = WriteAheadLog.open(dir, 1, files())) {
      wal.append(draft("retry", "a"));
      wal.append(draft("retry", "b"));
    }
    byte[] full = Files.readAllBytes(walFile(1));
    full[full.length - 5] ^= 0x04;
    Files.write(walFile(1), full);
    assertEquals(List.of("a"), tasks(WriteAheadLog.open(dir, 1, files())));
  }

  @Test
  void everyBitFlipInAMiddleRecordIsReportedWithItsOffset() throws Exception {
    try (WriteAheadLog wal = WriteAheadLog.open(dir, 1, files())) {
      wal.append(draft("retry", "a"));
      wal.append(draft("retry", "b"));
      wal.append(draft("retry", "c"));
    }
    byte[] full = Files.readAllBytes(walFile(1));
    int second = nextLine(full, 0);
    int third = nextLine(full, second);
    for (int i = second; i < third; i++) {
      for (int bit = 0; bit < 8; bit++) {
        byte[] damaged = full.clone();
        damaged[i] ^= (byte) (1 << bit);
        Files.write(walFile(1), damaged);
        WalCorruptException e =
            assertThrows(
                WalCorruptException.class,
                () -> WriteAheadLog.open(dir, 1, files()),
                "flip of bit " + bit + " at " + i);
        assertEquals(second, e.offset(), "offset for flip at " + i);
        assertTrue(e.getMessage().contains("offset " + second), e.getMessage());
        assertEquals(damaged.length, Files.size(walFile(1)), "a corrupt log is never cut");
      }
    }
  }

  @Test
  void twoRecordsMergedByADamagedNewlineAtTheTailAreCorruptionNotATear() throws Exception {
    try (WriteAheadLog wal = WriteAheadLog.open(dir, 1, files())) {
      wal.append(draft("retry", "a"));
      wal.append(draft("retry", "b"));
    }
    byte[] full = Files.readAllBytes(walFile(1));
    int second = nextLine(full, 0);
    full[second - 1] = 'x';
    Files.write(walFile(1), full);
    WalCorruptException e =
        assertThrows(WalCorruptException.class, () -> WriteAheadLog.open(dir, 1, files()));
    assertEquals(0, e.offset());
  }

  @Test
  void compactionKeepsOnlyWhatIsNeededAndSeqKeepsGrowing() throws Exception {
    try (WriteAheadLog wal = WriteAheadLog.open(dir, 1, files())) {
      WalRecord keep = null;
      for (int i = 0; i < 50; i++) {
        WalRecord r = wal.append(draft("retry", "t" + i));
        if (i == 17) {
          keep = r;
        }
      }
      long before = Files.size(walFile(1));
      wal.compact(List.of(keep));
      assertTrue(Files.size(walFile(1)) < before / 10, "compacted file is small");
      assertEquals(0, wal.appendedSinceCompaction());
      wal.append(draft("retry", "late"));
    }
    try (WriteAheadLog wal = WriteAheadLog.open(dir, 1, files())) {
      assertEquals(List.of("t17", "late"), tasks(wal));
      assertEquals(51L, wal.replayed().get(1).seq());
      wal.compact(List.of());
    }
    try (WriteAheadLog wal = WriteAheadLog.open(dir, 2, files())) {
      assertEquals(List.of(), tasks(wal));
      assertEquals(52L, wal.append(draft("retry", "x")).seq(), "seq survives an empty log");
    }
  }

  @Test
  void aNewEpochReplaysOlderFilesAndCompactionRemovesThem() throws Exception {
    try (WriteAheadLog wal = WriteAheadLog.open(dir, 1, files())) {
      wal.append(draft("retry", "a"));
    }
    try (WriteAheadLog wal = WriteAheadLog.open(dir, 2, files())) {
      assertEquals(List.of("a"), tasks(wal));
      wal.compact(wal.replayed());
      wal.append(draft("retry", "b"));
    }
    assertTrue(!Files.exists(walFile(1)));
    try (WriteAheadLog wal = WriteAheadLog.open(dir, 2, files())) {
      assertEquals(List.of("a", "b"), tasks(wal));
      assertEquals(1L, wal.replayed().get(0).epoch(), "a record keeps the epoch that decided it");
    }
    assertThrows(IllegalStateException.class, () -> WriteAheadLog.open(dir, 1, files()));
  }

  private static int lastLineStart(byte[] b) {
    for (int i = b.length - 2; i >= 0; i--) {
      if (b[i] == '\n') {
        return i + 1;
      }
    }
    return 0;
  }

  private static int nextLine(byte[] b, int from) {
    for (int i = from; i < b.length; i++) {
      if (b[i] == '\n') {
        return i + 1;
      }
    }
    throw new AssertionError("no newline after " + from);
  }
}
