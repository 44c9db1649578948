package dev.spool.protocol.fs;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The Linux rename and link semantics the protocol is built on, written down as tests on a real
 * file system (jimfs differs exactly here). If one of these fails on a platform, the protocol's
 * guarantees do not hold there.
 */
@Timeout(value = 20, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class RenameSemanticsTest {
  @TempDir Path dir;

  @Test
  void atomicMoveOntoAnExistingFileReplacesItSilently() throws Exception {
    Path mine = Files.writeString(dir.resolve("mine"), "mine");
    Path theirs = Files.writeString(dir.resolve("theirs"), "theirs");

    Files.move(mine, theirs, StandardCopyOption.ATOMIC_MOVE);

    // No exception and the other party's file is gone: why publishIfAbsent uses a hard link.
    assertEquals("mine", Files.readString(theirs));
    assertFalse(Files.exists(mine));
  }

  @Test
  void createLinkOnAnExistingNameFailsAndLeavesItAlone() throws Exception {
    Path mine = Files.writeString(dir.resolve("mine"), "mine");
    Path theirs = Files.writeString(dir.resolve("theirs"), "theirs");

    assertThrows(FileAlreadyExistsException.class, () -> Files.createLink(theirs, mine));

    assertEquals("theirs", Files.readString(theirs));
    assertEquals(1, nlink(mine));
  }

  @Test
  void renameOfAVanishedSourceThrowsNoSuchFile() throws Exception {
    Path gone = dir.resolve("gone");
    Path target = dir.resolve("target");

    assertThrows(
        NoSuchFileException.class, () -> Files.move(gone, target, StandardCopyOption.ATOMIC_MOVE));

    assertFalse(Files.exists(target, LinkOption.NOFOLLOW_LINKS));
  }

  @Test
  void renameOfASymlinkMovesTheLinkNotItsTarget() throws Exception {
    Path secret = Files.writeString(dir.resolve("secret"), "secret");
    Path link = Files.createSymbolicLink(dir.resolve("link"), secret);
    Path moved = dir.resolve("moved");

    Files.move(link, moved, StandardCopyOption.ATOMIC_MOVE);

    assertTrue(Files.isSymbolicLink(moved));
    assertEquals(secret, Files.readSymbolicLink(moved));
    assertEquals("secret", Files.readString(secret));
    assertFalse(Files.exists(link, LinkOption.NOFOLLOW_LINKS));
  }

  @Test
  void renameOfAFifoDoesNotOpenIt() throws Exception {
    Path fifo = dir.resolve("fifo");
    Process mkfifo = new ProcessBuilder("mkfifo", fifo.toString()).inheritIO().start();
    assertTrue(mkfifo.waitFor(10, TimeUnit.SECONDS), "mkfifo finished");
    assertEquals(0, mkfifo.exitValue());
    Path moved = dir.resolve("moved");

    // Opening a FIFO with no writer blocks; the test's time bound catches a rename that opened it.
    Files.move(fifo, moved, StandardCopyOption.ATOMIC_MOVE);

    BasicFileAttributes a =
        Files.readAttributes(moved, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
    assertTrue(a.isOther(), "still a FIFO after the rename");
    assertTrue(SafeFiles.unsafeReason(moved, 1024).orElseThrow().contains("FIFO"));
  }

  @Test
  void aHardLinkIsTheSameFileUnderASecondName() throws Exception {
    Path tmp = Files.write(dir.resolve("tmp"), "data".getBytes(UTF_8));
    Path name = dir.resolve("name");

    Files.createLink(name, tmp);

    // What publishIfAbsent's lost-reply check relies on: the existing name is our own inode.
    assertTrue(Files.isSameFile(name, tmp));
    assertEquals(2, nlink(name));
    Files.delete(tmp);
    assertEquals(1, nlink(name));
    assertEquals("data", Files.readString(name));
  }

  private static long nlink(Path p) throws Exception {
    return ((Number) Files.getAttribute(p, "unix:nlink", LinkOption.NOFOLLOW_LINKS)).longValue();
  }
}
