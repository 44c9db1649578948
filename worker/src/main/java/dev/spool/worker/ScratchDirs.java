package dev.spool.worker;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.Deque;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The working directories of attempts that name no {@code cwd}: empty directories {@code
 * scratch_dir/<worker>/s<N>}, each used by one attempt at a time and emptied when it ends, then
 * given to a later attempt. About as many exist as slots.
 *
 * <p>Why reused rather than made per attempt: on ext4 a {@code mkdir} allocates an inode and a
 * directory block and the {@code rmdir} frees both (and, on a file system mounted with {@code
 * discard}, waits for the block's discard). For a no-op task that pair was 8 % of the worker's CPU,
 * measured with perf. Emptying a directory the task left empty is one listing.
 *
 * <p>What reuse does not change: an attempt still starts in an empty directory of its own; nothing
 * of an earlier attempt is left in it. A process that escaped the attempt's process tree (it
 * scrubbed its environment and detached, see {@code ProcessTree}) could write into the directory
 * while a later attempt uses it; it runs as the worker's user and could write into any later
 * attempt's directory by its path anyway, so a fresh directory per attempt was no barrier either.
 *
 * <p>A directory that cannot be emptied (a task left a file it may not delete) is deleted as far as
 * possible and leaves the pool; one that disappeared meanwhile (a {@code /tmp} cleaner) or was
 * replaced by a link is not used again. Thread-safe.
 */
final class ScratchDirs {
  private static final Logger log = LoggerFactory.getLogger(ScratchDirs.class);

  private final Path root;
  private final Deque<Path> free = new ArrayDeque<>();
  private int made;

  /** Directories under {@code root}, which is made when missing. */
  ScratchDirs(Path root) {
    this.root = root;
  }

  /** An empty directory for one attempt; give it back with {@link #giveBack} when it ends. */
  Path take() throws IOException {
    Path dir;
    synchronized (this) {
      while ((dir = free.poll()) != null) {
        if (Files.isDirectory(dir, LinkOption.NOFOLLOW_LINKS)) {
          return dir;
        }
        log.info("scratch_dir_gone dir={} consequence=a new one is made", dir);
      }
      dir = root.resolve("s" + ++made);
    }
    Files.createDirectories(root);
    try {
      Files.createDirectory(dir);
    } catch (FileAlreadyExistsException e) {
      if (!emptied(dir)) {
        return take(); // debris this worker cannot clear: the next name
      }
    }
    return dir;
  }

  /**
   * Empties {@code dir} and keeps it for a later attempt, or drops it when it cannot be emptied.
   */
  void giveBack(Path dir) {
    if (emptied(dir)) {
      synchronized (this) {
        free.push(dir);
      }
    }
  }

  /** Empties {@code dir}; false (and it is deleted as far as possible) when that fails. */
  private static boolean emptied(Path dir) {
    try {
      if (!Files.isDirectory(dir, LinkOption.NOFOLLOW_LINKS)) {
        Files.deleteIfExists(dir); // a link or a file put in its place: not ours to follow
        return false;
      }
      try (DirectoryStream<Path> entries = Files.newDirectoryStream(dir)) {
        for (Path e : entries) {
          AttemptRunner.deleteTree(e);
        }
      }
      return true;
    } catch (IOException | RuntimeException e) {
      log.warn(
          "scratch_not_emptied dir={} consequence=it is not reused; disk space may not be"
              + " reclaimed",
          dir,
          e);
      try {
        AttemptRunner.deleteTree(dir);
      } catch (IOException | RuntimeException again) {
        log.debug("scratch_not_deleted dir={} reason={}", dir, again.toString());
      }
      return false;
    }
  }
}
