package dev.spool.protocol.fs;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.SeekableByteChannel;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.Arrays;
import java.util.Optional;

/**
 * Reads files that anyone with write access to the spool may have planted. Never follows a symbolic
 * link, never opens a FIFO or device (opening a FIFO blocks), never reads through a hard link (it
 * may point at a file the writer could not read), never reads more than a cap.
 */
public final class SafeFiles {
  private SafeFiles() {}

  /**
   * Why the entry at {@code path} must not be read as a data file, or empty when it is a plain
   * regular file with one link and at most {@code maxBytes} bytes. Looks at the entry itself
   * ({@code lstat}), not at what a link points to.
   *
   * @throws java.nio.file.NoSuchFileException if the entry vanished (an expected race for callers)
   */
  public static Optional<String> unsafeReason(Path path, long maxBytes) throws IOException {
    BasicFileAttributes a =
        Files.readAttributes(path, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
    if (a.isSymbolicLink()) {
      return Optional.of("is a symbolic link; links in the spool are never followed");
    }
    if (a.isDirectory()) {
      return Optional.of("is a directory, not a task file");
    }
    if (a.isOther() || !a.isRegularFile()) {
      return Optional.of("is not a regular file (a FIFO, socket or device); it is never opened");
    }
    long links = linkCount(path);
    if (links > 1) {
      return Optional.of(
          "has "
              + links
              + " hard links; a spool file must have exactly one, since a hard link can expose a file its writer could not read");
    }
    if (a.size() > maxBytes) {
      return Optional.of("is " + a.size() + " bytes, over the limit of " + maxBytes);
    }
    return Optional.empty();
  }

  /**
   * Reads a regular file of at most {@code maxBytes}. Callers check {@link #unsafeReason} first;
   * this read opens with {@code O_NOFOLLOW} and stops after {@code maxBytes + 1} bytes, so a file
   * swapped or grown in between cannot make it follow a link or read without bound.
   *
   * @throws FileTooLargeException if the file holds more than {@code maxBytes}
   */
  public static byte[] readBounded(Path path, int maxBytes) throws IOException {
    try (SeekableByteChannel ch =
        Files.newByteChannel(path, StandardOpenOption.READ, LinkOption.NOFOLLOW_LINKS)) {
      byte[] buf = new byte[(int) Math.min(maxBytes + 1L, Math.max(ch.size() + 1, 8192))];
      int n = 0;
      while (true) {
        if (n == buf.length) {
          if (buf.length > maxBytes) {
            throw new FileTooLargeException(path + " holds more than " + maxBytes + " bytes");
          }
          buf = Arrays.copyOf(buf, Math.min(maxBytes + 1, buf.length * 2));
        }
        int r = ch.read(ByteBuffer.wrap(buf, n, buf.length - n));
        if (r < 0) {
          return Arrays.copyOf(buf, n);
        }
        n += r;
      }
    }
  }

  private static long linkCount(Path path) throws IOException {
    try {
      Object n = Files.getAttribute(path, "unix:nlink", LinkOption.NOFOLLOW_LINKS);
      return ((Number) n).longValue();
    } catch (UnsupportedOperationException | IllegalArgumentException e) {
      return 1; // a file system without link counts has no hard links to fear
    }
  }

  /** A file grew past the cap between the size check and the read. */
  public static final class FileTooLargeException extends IOException {
    private static final long serialVersionUID = 1L;

    public FileTooLargeException(String message) {
      super(message);
    }
  }
}
