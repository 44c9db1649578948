package dev.spool.protocol.spool;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Objects;
import java.util.function.LongSupplier;

/**
 * Remembers how each hand-dropped file looked when last seen, so the intake reads it only once it
 * has been seen unchanged (same size, modification time, change time and inode) on two looks at
 * least the settle time apart, measured on the observer's own monotonic ticker. A writer that
 * pauses longer than the settle time is not detected; the strict codec then refuses the partial
 * file (a prefix of a JSON object is never a valid object), so it is quarantined, never run.
 *
 * <p>Thread-safe. Memory is bounded: past {@link #MAX_WATCHED} names it forgets everything, and
 * those files simply start settling again.
 */
final class SettleWatch {
  static final int MAX_WATCHED = 10_000;

  private final Duration settle;
  private final LongSupplier nanoTicker;
  private final Map<String, Sighting> seen = new HashMap<>();

  SettleWatch(Duration settle, LongSupplier nanoTicker) {
    if (settle.isNegative()) {
      throw new IllegalArgumentException("settle time must not be negative: " + settle);
    }
    this.settle = settle;
    this.nanoTicker = Objects.requireNonNull(nanoTicker, "nanoTicker");
  }

  /** What a look at a file's metadata shows; equal looks mean no write was seen in between. */
  record Look(long size, FileTime modified, Object changed, Object fileKey) {
    /** Looks at the entry itself ({@code lstat}); never opens it. */
    static Look of(Path entry) throws IOException {
      BasicFileAttributes a =
          Files.readAttributes(entry, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
      Object changed;
      try {
        // ctime catches a copy that restores the old mtime at the end (cp -p, rsync -t).
        changed = Files.getAttribute(entry, "unix:ctime", LinkOption.NOFOLLOW_LINKS);
      } catch (UnsupportedOperationException | IllegalArgumentException e) {
        changed = null;
      }
      return new Look(a.size(), a.lastModifiedTime(), changed, a.fileKey());
    }
  }

  private record Sighting(Look look, long sinceNanos) {}

  /**
   * Records this look and answers whether the file has looked the same since at least the settle
   * time ago. The first look at a name, or a look that differs from the last, starts the wait over.
   */
  synchronized boolean isSettled(String name, Look look) {
    long now = nanoTicker.getAsLong();
    Sighting last = seen.get(name);
    if (last != null && last.look().equals(look)) {
      return now - last.sinceNanos() >= settle.toNanos();
    }
    if (last == null && seen.size() >= MAX_WATCHED) {
      seen.clear();
    }
    seen.put(name, new Sighting(look, now));
    return false;
  }

  synchronized void forget(String name) {
    seen.remove(name);
  }

  /** Forgets every name not in {@code present} (files that were renamed or removed by others). */
  synchronized void retainOnly(Collection<String> present) {
    seen.keySet().retainAll(new HashSet<>(present));
  }

  synchronized int size() {
    return seen.size();
  }
}
