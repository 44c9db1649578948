package dev.spool.protocol.fs;

import java.io.IOException;
import java.nio.file.Path;

/**
 * The few file system calls the spool's atomic primitives are made of. Production code uses {@link
 * #real()}; tests wrap it to inject faults at a chosen step (a rename that throws after it
 * succeeded, an fsync that fails, a full disk).
 *
 * <p>Implementations must be thread-safe.
 */
public interface FileOps {

  /**
   * Renames {@code source} to {@code target} atomically. On Linux this replaces an existing target,
   * so callers only use it where the target name is unique to them.
   */
  void rename(Path source, Path target) throws IOException;

  /** Creates the hard link {@code link} to {@code existing}; fails if {@code link} exists. */
  void link(Path link, Path existing) throws IOException;

  /** Creates {@code file}, which must not exist, writes {@code data}, and fsyncs it when asked. */
  void writeNew(Path file, byte[] data, boolean fsync) throws IOException;

  /** Fsyncs a directory so the names created or removed in it survive a crash. */
  void fsyncDirectory(Path dir) throws IOException;

  /** Deletes a file; false when it was already gone. */
  boolean deleteIfExists(Path file) throws IOException;

  /** True when a directory entry exists at {@code path} (links are not followed). */
  boolean exists(Path path);

  /** True when both paths name the same file (same device and inode). */
  boolean isSameFile(Path a, Path b) throws IOException;

  /** The real file system. */
  static FileOps real() {
    return RealFileOps.INSTANCE;
  }
}
