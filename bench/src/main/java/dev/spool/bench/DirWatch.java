package dev.spool.bench;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.ClosedWatchServiceException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardWatchEventKinds;
import java.nio.file.WatchEvent;
import java.nio.file.WatchKey;
import java.nio.file.WatchService;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.stream.Stream;

/**
 * Observes one directory the way a user's script would see completions: by file events, with a
 * listing whenever events may have been dropped (overflow) or none came for a while. Counting by
 * events keeps the observer cheap on a 2-core machine (a listing per event would compete with the
 * workers being measured). Not thread-safe; one observer per workload run.
 */
final class DirWatch implements AutoCloseable {
  private static final long RELIST_NANOS = Duration.ofMillis(200).toNanos();

  private final Path dir;
  private final WatchService watch;
  private long count;

  DirWatch(Path dir) throws IOException {
    this.dir = dir;
    this.watch = dir.getFileSystem().newWatchService();
    dir.register(watch, StandardWatchEventKinds.ENTRY_CREATE);
    this.count = list();
  }

  /** Entries now in the directory (names starting with '.' are writes in progress). */
  long list() throws IOException {
    try (Stream<Path> s = Files.list(dir)) {
      return s.filter(p -> !p.getFileName().toString().startsWith(".")).count();
    }
  }

  /**
   * Waits until the directory holds at least {@code n} entries; returns {@link System#nanoTime()}
   * at the moment that was observed.
   */
  long awaitCount(long n, Duration timeout)
      throws IOException, InterruptedException, TimeoutException {
    long deadline = System.nanoTime() + timeout.toNanos();
    long lastList = System.nanoTime();
    while (true) {
      if (count >= n) {
        long at = System.nanoTime();
        count = list();
        if (count >= n) {
          return at;
        }
      }
      long now = System.nanoTime();
      if (now > deadline) {
        throw new TimeoutException(dir + ": " + count + " of " + n + " entries after " + timeout);
      }
      WatchKey key = watch.poll(50, TimeUnit.MILLISECONDS);
      if (key != null) {
        for (WatchEvent<?> e : key.pollEvents()) {
          if (e.kind() == StandardWatchEventKinds.OVERFLOW) {
            count = list();
            lastList = System.nanoTime();
          } else if (!e.context().toString().startsWith(".")) {
            count++;
          }
        }
        key.reset();
      } else if (System.nanoTime() - lastList > RELIST_NANOS) {
        count = list();
        lastList = System.nanoTime();
      }
    }
  }

  /** Waits until {@code name} exists in the directory; returns the nanoTime it was observed. */
  long awaitFile(String name, Duration timeout) throws InterruptedException, TimeoutException {
    Path target = dir.resolve(name);
    long deadline = System.nanoTime() + timeout.toNanos();
    while (!Files.exists(target)) {
      if (System.nanoTime() > deadline) {
        throw new TimeoutException(target + " did not appear in " + timeout);
      }
      WatchKey key;
      try {
        key = watch.poll(20, TimeUnit.MILLISECONDS);
      } catch (ClosedWatchServiceException e) {
        throw new IllegalStateException(e);
      }
      if (key != null) {
        key.pollEvents();
        key.reset();
      }
    }
    return System.nanoTime();
  }

  @Override
  public void close() {
    try {
      watch.close();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
