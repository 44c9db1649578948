package dev.spool.worker;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

@Timeout(30)
class ScratchDirsTest {
  @TempDir Path dir;

  private static List<Path> entries(Path d) throws Exception {
    try (Stream<Path> s = Files.list(d)) {
      return s.toList();
    }
  }

  /** A directory outside the scratch root holding {@code keep}: what a link must not reach. */
  private Path outsideWithAFile() throws Exception {
    Path outside = Files.createDirectories(dir.resolve("outside"));
    Files.writeString(outside.resolve("keep"), "k");
    return outside;
  }

  @Test
  void aDirectoryIsEmptiedAndReusedAndNeverSharedWhileTaken() throws Exception {
    ScratchDirs dirs = new ScratchDirs(dir.resolve("root/w1"));
    Path a = dirs.take();
    Path b = dirs.take();
    assertNotEquals(a, b, "two attempts at once get two directories");
    Files.createDirectories(a.resolve("x/y"));
    Files.writeString(a.resolve("x/y/z"), "z");
    Files.writeString(a.resolve("top"), "t");
    dirs.giveBack(a);
    assertEquals(List.of(), entries(a));
    assertEquals(a, dirs.take(), "the emptied directory is used again");
    assertEquals(2, entries(dir.resolve("root/w1")).size(), "no third directory was made");
  }

  @Test
  void aDirectoryReplacedByALinkIsDroppedWithoutFollowingIt() throws Exception {
    Path outside = outsideWithAFile();
    ScratchDirs dirs = new ScratchDirs(dir.resolve("root"));
    Path a = dirs.take();
    Files.delete(a);
    Files.createSymbolicLink(a, outside);
    dirs.giveBack(a);
    assertFalse(Files.exists(a, java.nio.file.LinkOption.NOFOLLOW_LINKS), "the link is removed");
    assertEquals("k", Files.readString(outside.resolve("keep")));
    Path next = dirs.take();
    assertNotEquals(a, next);
    assertTrue(Files.isDirectory(next));
  }

  @Test
  void aLinkInsideIsRemovedNotFollowed() throws Exception {
    Path outside = outsideWithAFile();
    ScratchDirs dirs = new ScratchDirs(dir.resolve("root"));
    Path a = dirs.take();
    Files.createSymbolicLink(a.resolve("link"), outside);
    dirs.giveBack(a);
    assertEquals(List.of(), entries(a));
    assertEquals("k", Files.readString(outside.resolve("keep")));
  }

  @Test
  void aDirectoryRemovedWhileFreeIsReplaced() throws Exception {
    ScratchDirs dirs = new ScratchDirs(dir.resolve("root"));
    Path a = dirs.take();
    dirs.giveBack(a);
    Files.delete(a); // a /tmp cleaner
    Path next = dirs.take();
    assertTrue(Files.isDirectory(next));
    assertEquals(List.of(), entries(next));
  }

  @Test
  void debrisUnderAName() throws Exception {
    Path root = Files.createDirectories(dir.resolve("root"));
    Files.createDirectories(root.resolve("s1/old"));
    Files.writeString(root.resolve("s1/old/f"), "f");
    Path a = new ScratchDirs(root).take();
    assertEquals(root.resolve("s1"), a);
    assertEquals(List.of(), entries(a));
  }
}
