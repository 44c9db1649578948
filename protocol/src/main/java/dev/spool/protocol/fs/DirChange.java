package dev.spool.protocol.fs;

import java.nio.file.Path;

/**
 * A change already made to a directory (a rename into or out of it) whose directory fsync is still
 * owed. Any fsync of the directory that starts after the change was noted covers it, whichever
 * thread of the process runs it; {@link AtomicFiles#syncDir(DirChange)} returns once one has
 * succeeded, running one itself if none has. Taken with {@link AtomicFiles#dirChanged}.
 */
public final class DirChange {
  final Path dir;
  final DirSyncGroups.Group group; // null when the AtomicFiles that noted it does not fsync
  final long ticket;

  DirChange(Path dir, DirSyncGroups.Group group, long ticket) {
    this.dir = dir;
    this.group = group;
    this.ticket = ticket;
  }

  public Path dir() {
    return dir;
  }

  /** True if an fsync of the directory that started after this change has succeeded. */
  public boolean synced() {
    if (group == null) {
      return true;
    }
    synchronized (group) {
      return group.covered >= ticket;
    }
  }
}
