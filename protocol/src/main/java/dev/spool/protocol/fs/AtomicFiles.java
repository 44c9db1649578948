package dev.spool.protocol.fs;

import java.io.IOException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Path;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Publishes files so that a reader never sees half of one: write a temp file in the spool's {@code
 * tmp/} (same file system), fsync it, rename or link it into place, fsync the directory. A crash
 * leaves at worst a stale temp file, which {@code spool fsck} removes.
 *
 * <p>Thread-safe.
 */
public final class AtomicFiles {
  private final FileOps ops;
  private final Path tmpDir;
  private final boolean fsync;
  private final DirSyncGroups dirSyncs;

  /**
   * @param tmpDir staging directory on the same file system as every target
   * @param fsync false only for tests and benchmarks that measure the cost of durability
   */
  public AtomicFiles(FileOps ops, Path tmpDir, boolean fsync) {
    this.ops = ops;
    this.tmpDir = tmpDir;
    this.fsync = fsync;
    this.dirSyncs = new DirSyncGroups(ops);
  }

  public FileOps ops() {
    return ops;
  }

  /** Writes {@code target}, replacing any existing file (heartbeats, the lease, end notes). */
  public void replace(Path target, byte[] data) throws IOException {
    Path tmp = stage(target, data);
    try {
      ops.rename(tmp, target);
    } catch (IOException e) {
      ops.deleteIfExists(tmp);
      throw e;
    }
    syncDir(target.getParent());
  }

  /**
   * Publishes {@code target} only if no file of that name exists: the name is the lock (results,
   * new tasks, control requests). Uses a hard link, which fails on an existing name; a plain rename
   * would silently replace it.
   *
   * @return true if this call created the file, false if the name was taken
   */
  public boolean publishIfAbsent(Path target, byte[] data) throws IOException {
    Path tmp = stage(target, data);
    try {
      if (!linkOrRecogniseOurs(target, tmp)) {
        return false;
      }
    } finally {
      // On every path, also when the lost-reply check throws: no temp file is left in tmp/.
      ops.deleteIfExists(tmp);
    }
    syncDir(target.getParent());
    return true;
  }

  private boolean linkOrRecogniseOurs(Path target, Path tmp) throws IOException {
    try {
      ops.link(target, tmp);
      return true;
    } catch (FileAlreadyExistsException e) {
      // Over NFS a retransmitted link can report EEXIST after it succeeded: it is ours if the
      // existing name is our own temp file's inode.
      return ops.isSameFile(target, tmp);
    }
  }

  /**
   * Fsyncs a directory, unless this instance was built without fsync: on return every name created
   * or removed in {@code dir} before the call is durable. Threads syncing the same directory at the
   * same time share fsyncs ({@link DirSyncGroups}).
   */
  public void syncDir(Path dir) throws IOException {
    if (fsync) {
      dirSyncs.sync(dir);
    }
  }

  /**
   * Notes that the caller has just changed {@code dir} (renamed a file into or out of it) and will
   * make that durable later with {@link #syncDir(DirChange)}. Until then any directory fsync of
   * {@code dir} that another thread of this process starts also covers this change, so a caller
   * that can wait lets those fsyncs serve it instead of running its own.
   */
  public DirChange dirChanged(Path dir) {
    return fsync ? dirSyncs.enter(dir) : new DirChange(dir, null, 0);
  }

  /**
   * Returns when {@code change} is durable: at once if an fsync of its directory that started after
   * it has already succeeded (any thread's), otherwise after one (shared as {@link
   * #syncDir(Path)}).
   */
  public void syncDir(DirChange change) throws IOException {
    if (change.group != null) {
      dirSyncs.sync(change);
    }
  }

  /**
   * Step 1 and 2 of a publish on their own: writes {@code data} to a new temp file in {@code tmp/}
   * named for {@code target} and fsyncs it (unless built without fsync). The caller renames the
   * temp file into place and fsyncs the target's directory ({@link #syncDir}); batch writers use
   * this to stage many files (on several threads) before renaming any. A temp file the caller never
   * renames is debris that {@code spool fsck} removes; on failure nothing is left.
   *
   * @return the temp file
   */
  public Path stage(Path target, byte[] data) throws IOException {
    String name = target.getFileName().toString();
    Path tmp =
        tmpDir.resolve(
            "."
                + (name.length() > 100 ? name.substring(0, 100) : name)
                + "."
                + ProcessHandle.current().pid()
                + "."
                + Long.toHexString(ThreadLocalRandom.current().nextLong())
                + ".tmp");
    try {
      ops.writeNew(tmp, data, fsync);
    } catch (IOException e) {
      ops.deleteIfExists(tmp);
      throw e;
    }
    return tmp;
  }
}
