package dev.spool.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;

/**
 * Trees a run is done with, set aside by one rename and deleted when the run ends.
 *
 * <p>Deleting between workloads would charge the deletion to the next workload: on ext4 without a
 * journal the inode allocator skips inodes freed in the last minute (the kernel's {@code
 * recently_deleted} check), so right after 100,000 deletions every file created costs about ten
 * times the system CPU, and a batch submit that reaches 11,000 tasks/s on a quiet disk falls to
 * 1,700/s (BENCHMARKS.md, "What this file system does to file creation"). A rename frees no inode.
 */
final class Trash implements AutoCloseable {
  /** How long after a mass deletion the allocator stops skipping the freed inodes, plus margin. */
  static final long QUIET_SECONDS = 65;

  private final Path dir;
  private int seq;

  Trash(Path work) {
    this.dir = work.resolve("trash");
  }

  /** Moves {@code tree} into the trash, if it exists; it must be on the work directory's disk. */
  void discard(Path tree) throws IOException {
    if (!Files.exists(tree, LinkOption.NOFOLLOW_LINKS)) {
      return;
    }
    Files.createDirectories(dir);
    Files.move(
        tree, dir.resolve(tree.getFileName() + "." + (++seq)), StandardCopyOption.ATOMIC_MOVE);
  }

  /** Deletes everything in the trash; true when there was something to delete. */
  boolean empty() throws IOException {
    if (!Files.exists(dir, LinkOption.NOFOLLOW_LINKS)) {
      return false;
    }
    Workloads.deleteTree(dir);
    return true;
  }

  @Override
  public void close() throws IOException {
    empty();
  }
}
