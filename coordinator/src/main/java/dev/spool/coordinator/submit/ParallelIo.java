package dev.spool.coordinator.submit;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Runs blocking file I/O for indexes {@code 0..n-1} on a few threads. Its purpose is fsync: on ext4
 * (and XFS) concurrent fsyncs share one journal commit, so N threads each forcing their own files
 * cost about one commit per round instead of one per file. Measured with {@code bench/run.sh
 * --workloads W4}.
 *
 * <p>The threads are shared by every call in the JVM and kept for a minute after their last use
 * (daemons, so they never hold the JVM up): a program that submits in chunks of a hundred tasks
 * made and stopped 32 threads per chunk before, twice, which was a visible share of its CPU per
 * task. Thread-safe.
 */
final class ParallelIo {
  private static final ExecutorService THREADS =
      Executors.newCachedThreadPool(
          new ThreadFactory() {
            private final AtomicInteger next = new AtomicInteger();

            @Override
            public Thread newThread(Runnable r) {
              Thread t = new Thread(r, "spool-io-" + next.incrementAndGet());
              t.setDaemon(true);
              return t;
            }
          });

  /** Threads that fsync at once; beyond a few dozen the journal commit is shared anyway. */
  static final int DEFAULT_THREADS = 32;

  /** One step of the work, for index {@code i}. */
  interface Step {
    void run(int i) throws IOException;
  }

  private final int threads;

  ParallelIo(int threads) {
    if (threads < 1) {
      throw new IllegalArgumentException("threads must be at least 1: " + threads);
    }
    this.threads = threads;
  }

  /**
   * Runs {@code step} for every index; returns when all ran, or throws the first failure (the
   * others suppressed) after every thread stopped. After a failure threads take no new index.
   */
  void forEach(int n, Step step) throws IOException {
    int t = Math.min(threads, n);
    if (t <= 1) {
      for (int i = 0; i < n; i++) {
        step.run(i);
      }
      return;
    }
    AtomicInteger next = new AtomicInteger();
    AtomicBoolean failed = new AtomicBoolean();
    List<Future<Void>> parts = new ArrayList<>();
    for (int k = 0; k < t; k++) {
      parts.add(
          THREADS.submit(
              () -> {
                for (int i = next.getAndIncrement();
                    i < n && !failed.get();
                    i = next.getAndIncrement()) {
                  try {
                    step.run(i);
                  } catch (IOException | RuntimeException e) {
                    failed.set(true);
                    throw e;
                  }
                }
                return null;
              }));
    }
    await(parts, failed);
  }

  /**
   * Waits for every part. An interrupt stops the parts from taking new indexes (each finishes the
   * step it is in, one file's I/O) and is reported once they stopped, so no thread of this call
   * still writes when it returns.
   */
  private static void await(List<Future<Void>> parts, AtomicBoolean failed) throws IOException {
    Throwable first = null;
    boolean interrupted = false;
    for (Future<Void> f : parts) {
      while (true) {
        try {
          f.get();
          break;
        } catch (InterruptedException e) {
          // Wait again: the part ends after its current step now that no index is handed out.
          interrupted = true;
          failed.set(true);
          first = first == null ? e : first;
        } catch (ExecutionException e) {
          Throwable c = e.getCause();
          if (first == null) {
            first = c;
          } else if (first != c) {
            first.addSuppressed(c);
          }
          break;
        }
      }
    }
    if (interrupted) {
      Thread.currentThread().interrupt();
    }
    if (first instanceof IOException) {
      throw (IOException) first;
    }
    if (first instanceof RuntimeException) {
      throw (RuntimeException) first;
    }
    if (first instanceof Error) {
      throw (Error) first;
    }
    if (first != null) {
      InterruptedIOException e = new InterruptedIOException("interrupted while writing a batch");
      e.initCause(first);
      throw e;
    }
  }
}
