package dev.spool.protocol.fs;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Directory fsyncs as group commits: threads of one process that ask to sync the same directory
 * while an fsync of it is in flight share the next one. Each call still returns only after an fsync
 * of the directory that <em>started after the call</em> has succeeded, so every name the caller
 * created or removed in it before the call is durable, exactly as with an fsync of its own;
 * concurrent callers just do not each pay for one. With four slots claiming and publishing at once,
 * most of their directory fsyncs find another in flight.
 *
 * <p>An fsync that fails fails its own caller only; callers that were waiting for it run the next
 * round themselves (one of them does, for all). Thread-safe.
 */
final class DirSyncGroups {
  private final FileOps ops;
  private final Map<Path, Group> groups = new ConcurrentHashMap<>();

  DirSyncGroups(FileOps ops) {
    this.ops = ops;
  }

  /**
   * One directory's rounds: callers are numbered as they arrive, and a round covers every number
   * given out before it started.
   */
  static final class Group {
    long arrived;
    long covered;
    boolean inFlight;
    int waiting;
  }

  /**
   * Returns when an fsync of {@code dir} that started after this call has succeeded.
   *
   * @throws InterruptedIOException if interrupted while waiting for another caller's round (the
   *     interrupt is kept); a channel's fsync is interruptible in the same way
   */
  void sync(Path dir) throws IOException {
    sync(enter(dir));
  }

  /**
   * Notes a change the caller has just made to {@code dir}: the change is covered by every round of
   * {@code dir} that starts from now on, whoever runs it. Runs no fsync.
   */
  DirChange enter(Path dir) {
    Group g = groups.computeIfAbsent(dir, d -> new Group());
    synchronized (g) {
      return new DirChange(dir, g, ++g.arrived);
    }
  }

  /**
   * Returns when a round of the change's directory that started after the change was noted has
   * succeeded: at once if one already has, else after joining the round in flight's successor or
   * running one.
   *
   * @throws InterruptedIOException as {@link #sync(Path)}
   */
  void sync(DirChange change) throws IOException {
    Group g = change.group;
    Path dir = change.dir;
    long covers;
    synchronized (g) {
      long ticket = change.ticket;
      while (true) {
        if (g.covered >= ticket) {
          return;
        }
        if (!g.inFlight) {
          g.inFlight = true;
          covers = g.arrived;
          break;
        }
        g.waiting++;
        try {
          // Bounded by the round in flight, as long as this caller's own fsync would have taken.
          g.wait();
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          throw new InterruptedIOException("interrupted waiting for an fsync of " + dir);
        } finally {
          g.waiting--;
        }
      }
    }
    boolean ok = false;
    try {
      ops.fsyncDirectory(dir);
      ok = true;
    } finally {
      synchronized (g) {
        g.inFlight = false;
        if (ok) {
          g.covered = Math.max(g.covered, covers);
        }
        g.notifyAll();
        if (g.covered == g.arrived && groups.size() > MAX_IDLE_GROUPS) {
          // Nobody waits on it: forget it, so a process that syncs many directories over its life
          // keeps no state for them. A caller still holding it runs its own round on it, which is
          // as correct as sharing, only not shared.
          groups.remove(dir, g);
        }
      }
    }
  }

  /** Directories remembered while idle; past this many an idle one is forgotten after its round. */
  static final int MAX_IDLE_GROUPS = 64;

  /** Directories with a group now (for tests). */
  int groups() {
    return groups.size();
  }

  /** Callers of {@code dir} waiting for another caller's round (for tests). */
  int waiting(Path dir) {
    Group g = groups.get(dir);
    if (g == null) {
      return 0;
    }
    synchronized (g) {
      return g.waiting;
    }
  }
}
