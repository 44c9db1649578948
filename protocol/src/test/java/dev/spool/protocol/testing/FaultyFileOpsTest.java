package dev.spool.protocol.testing;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.spool.protocol.fs.FileOps;
import dev.spool.protocol.testing.FaultyFileOps.Calls;
import dev.spool.protocol.testing.FaultyFileOps.Fault;
import dev.spool.protocol.testing.FaultyFileOps.Op;
import java.io.IOException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

@Timeout(20)
class FaultyFileOpsTest {
  @TempDir Path dir;

  @Test
  void lostRenameReplyMovesTheFileThenThrowsNoSuchFile() throws Exception {
    Path a = Files.writeString(dir.resolve("a"), "x");
    Path b = dir.resolve("b");
    FaultyFileOps ops = FaultyFileOps.over(FileOps.real()).lostReply(Op.RENAME, b::equals).build();

    assertThrows(NoSuchFileException.class, () -> ops.rename(a, b));

    assertFalse(Files.exists(a));
    assertEquals("x", Files.readString(b));
    assertEquals(1, ops.fired());
  }

  @Test
  void lostLinkReplyLinksThenThrowsAlreadyExists() throws Exception {
    Path a = Files.writeString(dir.resolve("a"), "x");
    Path b = dir.resolve("b");
    FaultyFileOps ops =
        FaultyFileOps.over(FileOps.real()).lostReply(Op.LINK, FaultyFileOps.anyPath()).build();

    assertThrows(FileAlreadyExistsException.class, () -> ops.link(b, a));

    assertTrue(Files.isSameFile(a, b));
  }

  @Test
  void diskFullLeavesThePrefixWrittenAndThrows() throws Exception {
    Path f = dir.resolve("f");
    FaultyFileOps ops = FaultyFileOps.over(FileOps.real()).diskFull(f::equals, 3).build();

    IOException e =
        assertThrows(IOException.class, () -> ops.writeNew(f, "abcdef".getBytes(UTF_8), true));

    assertTrue(e.getMessage().contains("No space left on device"), e.getMessage());
    assertArrayEquals("abc".getBytes(UTF_8), Files.readAllBytes(f));
  }

  @Test
  void fsyncFailureWritesTheDataButThrows() throws Exception {
    Path f = dir.resolve("f");
    FaultyFileOps ops =
        FaultyFileOps.over(FileOps.real()).fail(Op.FSYNC_FILE, FaultyFileOps.anyPath()).build();

    assertThrows(IOException.class, () -> ops.writeNew(f, "abc".getBytes(UTF_8), true));
    ops.writeNew(dir.resolve("g"), "abc".getBytes(UTF_8), false); // no fsync asked: no fault

    assertEquals(1, ops.calls(Op.FSYNC_FILE));
    assertEquals(2, ops.calls(Op.WRITE_NEW));
  }

  @Test
  void failNthFailsOnlyThatCallBeforeItTakesEffect() throws Exception {
    FaultyFileOps ops = FaultyFileOps.over(FileOps.real()).failNth(Op.WRITE_NEW, 2).build();

    ops.writeNew(dir.resolve("1"), new byte[1], false);
    assertThrows(IOException.class, () -> ops.writeNew(dir.resolve("2"), new byte[1], false));
    ops.writeNew(dir.resolve("3"), new byte[1], false);

    assertFalse(Files.exists(dir.resolve("2")));
    assertTrue(Files.exists(dir.resolve("3")));
  }

  @Test
  void aRuleCountsOnlyCallsOnMatchingPaths() throws Exception {
    Path sub = Files.createDirectory(dir.resolve("sub"));
    FaultyFileOps ops =
        FaultyFileOps.over(FileOps.real())
            .rule(Op.DELETE, FaultyFileOps.inDir(sub), Calls.only(2), new Fault.Fail("EIO"))
            .build();

    assertFalse(ops.deleteIfExists(dir.resolve("other1")));
    assertFalse(ops.deleteIfExists(sub.resolve("first")));
    assertFalse(ops.deleteIfExists(dir.resolve("other2")));
    assertThrows(IOException.class, () -> ops.deleteIfExists(sub.resolve("second")));
    assertFalse(ops.deleteIfExists(sub.resolve("third")));
  }

  @Test
  void underContentionARuleFiresExactlyItsCount() throws Exception {
    FaultyFileOps ops =
        FaultyFileOps.over(FileOps.real())
            .rule(Op.DELETE, FaultyFileOps.anyPath(), new Calls(10, 25), new Fault.Fail("EIO"))
            .build();
    AtomicInteger failures = new AtomicInteger();
    ExecutorService pool = Executors.newFixedThreadPool(4);
    try {
      List<Future<?>> done = new ArrayList<>();
      for (int t = 0; t < 4; t++) {
        done.add(pool.submit(() -> deleteMany(ops, 100, failures)));
      }
      for (Future<?> f : done) {
        f.get(10, TimeUnit.SECONDS);
      }
    } finally {
      pool.shutdownNow();
    }
    assertEquals(25, failures.get());
    assertEquals(25, ops.fired());
    assertEquals(400, ops.calls(Op.DELETE));
  }

  @Test
  void faultsThatCannotApplyToAnOperationAreRefused() {
    FaultyFileOps.Builder b = FaultyFileOps.over(FileOps.real());
    assertThrows(
        IllegalArgumentException.class, () -> b.lostReply(Op.WRITE_NEW, FaultyFileOps.anyPath()));
    assertThrows(
        IllegalArgumentException.class,
        () -> b.rule(Op.LINK, FaultyFileOps.anyPath(), Calls.every(), new Fault.DiskFull(1)));
  }

  private Void deleteMany(FaultyFileOps ops, int n, AtomicInteger failures) {
    for (int i = 0; i < n; i++) {
      try {
        ops.deleteIfExists(dir.resolve("none"));
      } catch (IOException e) {
        failures.incrementAndGet();
      }
    }
    return null;
  }
}
