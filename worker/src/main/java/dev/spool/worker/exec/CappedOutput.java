package dev.spool.worker.exec;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Copies one output stream of a task into a log file on its own thread, up to a cap. Past the cap
 * it writes a marker once and keeps reading (and counting) without storing, so the task never
 * blocks on a full pipe and keeps running. The thread ends when every holder of the pipe's write
 * end has closed it; a grandchild that keeps it open is dealt with by killing the tree, and the
 * caller stops waiting after a bound ({@link #awaitEnd}).
 *
 * <p>Counters are safe to read from any thread while the copy runs.
 */
final class CappedOutput {
  private static final Logger log = LoggerFactory.getLogger(CappedOutput.class);

  static String marker(long cap) {
    return "\n[spool: output truncated at "
        + cap
        + " bytes; the task kept running and the rest was discarded]\n";
  }

  private final InputStream in;
  private final Path file;
  private final long cap;
  private final Clock clock;
  private final LongSupplier nanoTicker;
  private final AtomicLong bytes = new AtomicLong();
  private final CountDownLatch ended = new CountDownLatch(1);
  private volatile long lastOutputNanos;
  private volatile Instant lastOutputAt;
  private volatile boolean truncated;

  CappedOutput(InputStream in, Path file, long cap, Clock clock, LongSupplier nanoTicker) {
    this.in = in;
    this.file = file;
    this.cap = cap;
    this.clock = clock;
    this.nanoTicker = nanoTicker;
    this.lastOutputNanos = nanoTicker.getAsLong();
  }

  /**
   * Copy threads are pooled (daemons, so an abandoned copy never blocks JVM exit): a thread and a
   * 64 KiB buffer per stream per attempt were a visible share of a trivial task's cost. A copy a
   * stray process keeps blocked holds its pool thread; the pool grows instead of waiting for it.
   */
  private static final ExecutorService COPIERS =
      Executors.newCachedThreadPool(
          new ThreadFactory() {
            private final AtomicLong next = new AtomicLong();

            @Override
            public Thread newThread(Runnable r) {
              Thread t = new Thread(r, "spool-output-" + next.incrementAndGet());
              t.setDaemon(true);
              return t;
            }
          });

  private static final ThreadLocal<byte[]> BUFFER =
      ThreadLocal.withInitial(() -> new byte[64 * 1024]);

  /** Starts copying on a pooled thread. */
  void start() {
    COPIERS.execute(this::copy);
  }

  /**
   * The log file is created when the first byte arrives: most trivial tasks write nothing to one
   * stream or both, and creating two empty files per attempt was a visible share of their cost (a
   * file create is an inode and a directory entry). No file means the stream was empty.
   *
   * <p>A log that cannot be written (a full disk, a removed logs/ directory) ends storing, not
   * reading: the rest of the stream is read, counted and discarded, so the task never blocks on a
   * full pipe because the worker's disk failed, and the capture is reported truncated.
   */
  private void copy() {
    byte[] buf = BUFFER.get();
    OutputStream out = null;
    boolean storing = true;
    try {
      long stored = 0;
      int n;
      while ((n = in.read(buf)) >= 0) {
        if (n == 0) {
          continue;
        }
        lastOutputNanos = nanoTicker.getAsLong();
        lastOutputAt = clock.instant();
        bytes.addAndGet(n);
        if (!storing) {
          continue;
        }
        try {
          if (out == null) {
            out =
                Files.newOutputStream(
                    file,
                    StandardOpenOption.CREATE,
                    StandardOpenOption.TRUNCATE_EXISTING,
                    StandardOpenOption.WRITE,
                    LinkOption.NOFOLLOW_LINKS);
          }
          int keep = (int) Math.max(0, Math.min(n, cap - stored));
          if (keep > 0) {
            out.write(buf, 0, keep);
            stored += keep;
          }
          if (keep < n && !truncated) {
            truncated = true;
            out.write(marker(cap).getBytes(StandardCharsets.UTF_8));
            out.flush();
          }
        } catch (IOException e) {
          storing = false;
          truncated = true;
          log.warn(
              "output_not_stored file={} stored_bytes={} reason={} consequence=the log ends here;"
                  + " the rest of the stream is read and discarded so the task does not block",
              file,
              stored,
              e.toString());
          closeQuietly(out);
          out = null;
        }
      }
    } catch (IOException e) {
      // The stream is closed under us when the worker abandons a pipe a stray process holds.
      log.debug("output_copy_ended file={} reason={}", file, e.toString());
    } finally {
      closeQuietly(out);
      ended.countDown();
    }
  }

  private void closeQuietly(OutputStream out) {
    if (out == null) {
      return;
    }
    try {
      out.close();
    } catch (IOException e) {
      log.warn("output_close_failed file={} reason={}", file, e.toString());
    }
  }

  /** Waits up to {@code bound} for the copy to reach end of stream; false if it did not. */
  boolean awaitEnd(Duration bound) throws InterruptedException {
    return ended.await(bound.toNanos(), TimeUnit.NANOSECONDS);
  }

  long bytes() {
    return bytes.get();
  }

  boolean truncated() {
    return truncated;
  }

  long lastOutputNanos() {
    return lastOutputNanos;
  }

  Instant lastOutputAt() {
    return lastOutputAt;
  }
}
