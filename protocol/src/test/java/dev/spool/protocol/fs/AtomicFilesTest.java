package dev.spool.protocol.fs;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.spool.protocol.testing.FaultyFileOps;
import dev.spool.protocol.testing.FaultyFileOps.Op;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** AtomicFiles on a real file system, with faults injected at each step. */
@Timeout(20)
class AtomicFilesTest {
  private static final byte[] OURS = "ours".getBytes(UTF_8);

  @TempDir Path root;
  private Path tmp;
  private Path out;

  @BeforeEach
  void dirs() throws IOException {
    tmp = Files.createDirectory(root.resolve("tmp"));
    out = Files.createDirectory(root.resolve("out"));
  }

  @Test
  void replaceWritesAndReplacesWholeFiles() throws Exception {
    AtomicFiles files = new AtomicFiles(FileOps.real(), tmp, true);
    Path target = out.resolve("hb.json");

    files.replace(target, "one".getBytes(UTF_8));
    files.replace(target, "two".getBytes(UTF_8));

    assertEquals("two", Files.readString(target));
    assertEquals(List.of(), list(tmp));
  }

  @Test
  void publishIfAbsentCreatesTheFileOnce() throws Exception {
    AtomicFiles files = new AtomicFiles(FileOps.real(), tmp, true);
    Path target = out.resolve("r~1.json");

    assertTrue(files.publishIfAbsent(target, OURS));
    assertFalse(files.publishIfAbsent(target, "theirs".getBytes(UTF_8)));

    assertArrayEquals(OURS, Files.readAllBytes(target));
    assertEquals(1, ((Number) Files.getAttribute(target, "unix:nlink")).intValue(), "no temp link");
    assertEquals(List.of(), list(tmp), "no temp debris after a win or a loss");
  }

  @Test
  void aLinkThatSucceededButReportedExistsIsStillOurs() throws Exception {
    FaultyFileOps ops =
        FaultyFileOps.over(FileOps.real()).lostReply(Op.LINK, FaultyFileOps.inDir(out)).build();
    AtomicFiles files = new AtomicFiles(ops, tmp, true);
    Path target = out.resolve("r~1.json");

    assertTrue(files.publishIfAbsent(target, OURS));

    assertEquals(1, ops.fired());
    assertArrayEquals(OURS, Files.readAllBytes(target));
    assertEquals(List.of(), list(tmp));
  }

  @Test
  void anExistsFromAnotherFileIsNotMistakenForOurs() throws Exception {
    Path target = Files.writeString(out.resolve("r~1.json"), "theirs");
    FaultyFileOps ops =
        FaultyFileOps.over(FileOps.real()).lostReply(Op.LINK, FaultyFileOps.inDir(out)).build();
    AtomicFiles files = new AtomicFiles(ops, tmp, true);

    assertFalse(files.publishIfAbsent(target, OURS));

    assertEquals("theirs", Files.readString(target));
    assertEquals(List.of(), list(tmp));
  }

  @Test
  void anErrorWhileCheckingALostLinkReplyLeavesNoDebris() throws Exception {
    Path target = Files.writeString(out.resolve("r~1.json"), "theirs");
    FaultyFileOps ops = FaultyFileOps.over(FileOps.real()).failNth(Op.IS_SAME_FILE, 1).build();
    AtomicFiles files = new AtomicFiles(ops, tmp, true);

    assertThrows(IOException.class, () -> files.publishIfAbsent(target, OURS));

    assertEquals(1, ops.fired());
    assertEquals("theirs", Files.readString(target));
    assertEquals(List.of(), list(tmp));
  }

  @Test
  void fsyncFailurePropagatesAndPublishesNothing() throws Exception {
    FaultyFileOps ops =
        FaultyFileOps.over(FileOps.real()).fail(Op.FSYNC_FILE, FaultyFileOps.anyPath()).build();
    AtomicFiles files = new AtomicFiles(ops, tmp, true);

    assertThrows(IOException.class, () -> files.publishIfAbsent(out.resolve("a.json"), OURS));
    assertThrows(IOException.class, () -> files.replace(out.resolve("b.json"), OURS));

    assertEquals(2, ops.fired());
    assertEquals(List.of(), list(out));
    assertEquals(List.of(), list(tmp));
  }

  @Test
  void aFullDiskPublishesNothingAndLeavesNoDebris() throws Exception {
    FaultyFileOps ops =
        FaultyFileOps.over(FileOps.real()).diskFull(FaultyFileOps.inDir(tmp), 2).build();
    AtomicFiles files = new AtomicFiles(ops, tmp, true);

    IOException e =
        assertThrows(IOException.class, () -> files.publishIfAbsent(out.resolve("a.json"), OURS));
    assertThrows(IOException.class, () -> files.replace(out.resolve("b.json"), OURS));

    assertTrue(e.getMessage().contains("No space left on device"), e.getMessage());
    assertEquals(List.of(), list(out));
    assertEquals(List.of(), list(tmp));
  }

  @Test
  void aFailedRenameOrLinkLeavesNoDebris() throws Exception {
    FaultyFileOps ops =
        FaultyFileOps.over(FileOps.real()).failNth(Op.RENAME, 1).failNth(Op.LINK, 1).build();
    AtomicFiles files = new AtomicFiles(ops, tmp, true);

    assertThrows(IOException.class, () -> files.replace(out.resolve("a.json"), OURS));
    assertThrows(IOException.class, () -> files.publishIfAbsent(out.resolve("b.json"), OURS));

    assertEquals(List.of(), list(out));
    assertEquals(List.of(), list(tmp));
  }

  @Test
  void aDirectoryFsyncFailurePropagatesAfterTheNameIsVisible() throws Exception {
    FaultyFileOps ops =
        FaultyFileOps.over(FileOps.real())
            .fail(Op.FSYNC_DIRECTORY, FaultyFileOps.anyPath())
            .build();
    AtomicFiles files = new AtomicFiles(ops, tmp, true);
    Path target = out.resolve("a.json");

    // The caller learns the name may not survive a crash; the complete file is already visible,
    // so a retry of publishIfAbsent answers false and the caller must treat the outcome as unknown.
    assertThrows(IOException.class, () -> files.publishIfAbsent(target, OURS));

    assertArrayEquals(OURS, Files.readAllBytes(target));
    assertEquals(List.of(), list(tmp));
  }

  @Test
  void withoutFsyncNothingIsForced() throws Exception {
    FaultyFileOps ops = FaultyFileOps.over(FileOps.real()).build();
    AtomicFiles files = new AtomicFiles(ops, tmp, false);

    files.replace(out.resolve("a.json"), OURS);
    files.publishIfAbsent(out.resolve("b.json"), OURS);

    assertEquals(0, ops.calls(Op.FSYNC_FILE));
    assertEquals(0, ops.calls(Op.FSYNC_DIRECTORY));
  }

  @Test
  void concurrentReadersSeeOnlyWholeFiles() throws Exception {
    AtomicFiles files = new AtomicFiles(FileOps.real(), tmp, false);
    Path target = out.resolve("hb.json");
    files.replace(target, fill('a', 65_536));
    AtomicBoolean stop = new AtomicBoolean();
    CompletableFuture<Integer> reader =
        CompletableFuture.supplyAsync(() -> readWholeFilesUntil(stop, target));
    for (int i = 0; i < 200; i++) {
      files.replace(target, i % 2 == 0 ? fill('b', 131_072) : fill('a', 65_536));
      files.publishIfAbsent(out.resolve("r~" + i + ".json"), fill('c', 65_536));
    }
    stop.set(true);

    assertTrue(reader.get(10, TimeUnit.SECONDS) > 0, "the reader read at least once");
    assertEquals(201, list(out).size());
  }

  /** Reads every file in out/ until stopped; fails on any file that is not one whole write. */
  private int readWholeFilesUntil(AtomicBoolean stop, Path heartbeat) {
    int reads = 0;
    try {
      while (!stop.get()) {
        for (String name : list(out)) {
          byte[] b = Files.readAllBytes(out.resolve(name));
          assertWhole(name, b);
          reads++;
        }
        assertWhole(heartbeat.toString(), Files.readAllBytes(heartbeat));
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return reads;
  }

  private static void assertWhole(String name, byte[] b) {
    boolean uniform = b.length > 0;
    for (byte x : b) {
      uniform &= x == b[0];
    }
    assertTrue(
        uniform && (b.length == (b[0] == 'b' ? 131_072 : 65_536)),
        name + " was read partially: " + b.length + " bytes");
  }

  private static byte[] fill(char c, int n) {
    byte[] b = new byte[n];
    Arrays.fill(b, (byte) c);
    return b;
  }

  private static List<String> list(Path dir) throws IOException {
    try (Stream<Path> s = Files.list(dir)) {
      return s.map(p -> p.getFileName().toString()).sorted().collect(Collectors.toList());
    }
  }
}
