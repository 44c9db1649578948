package dev.spool.protocol.fs;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.concurrent.ThreadLocalRandom;

/**
 * The clock of a file system, read from the modification time of a probe file created in it. On a
 * shared spool the server stamps every file, so an age computed as {@code now(dir) - mtime(f)}
 * compares two stamps of one clock, never the clocks of two hosts. For one-shot observers (the CLI,
 * fsck); a daemon judges liveness by heartbeat sequence numbers on its own monotonic clock.
 */
public final class FileSystemClock {
  private FileSystemClock() {}

  /** Epoch millis as the file system holding {@code dir} stamps them now. */
  public static long nowMillis(Path dir) throws IOException {
    Path probe =
        dir.resolve(
            ".clock-probe."
                + ProcessHandle.current().pid()
                + "."
                + ThreadLocalRandom.current().nextInt(1 << 30));
    Files.write(probe, new byte[0]);
    try {
      return Files.getLastModifiedTime(probe).toMillis();
    } finally {
      Files.deleteIfExists(probe);
    }
  }

  /** The modification time of {@code p}, or empty-as-max when it vanished. */
  public static long mtimeMillis(Path p) throws IOException {
    try {
      return Files.getLastModifiedTime(p, LinkOption.NOFOLLOW_LINKS).toMillis();
    } catch (NoSuchFileException e) {
      return Long.MAX_VALUE;
    }
  }
}
