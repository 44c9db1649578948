package dev.spool.bench;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * W4's durable floor: what this disk does for a batch of small files published the way PROTOCOL.md
 * section 9 ("Batches") publishes tasks, with no JSON, no JVM start and no validation. Every
 * 200-byte file is created in {@code tmp/}, written in one call and fsynced, on {@code threads}
 * threads at once (so the file system can overlap the fsyncs); then every file is renamed into
 * {@code dst/} on one thread; then both directories are fsynced. A batch submit cannot beat this on
 * the same disk, so Spool's rate is reported against it.
 */
final class FsyncFloor {
  private FsyncFloor() {}

  /** Files per second for {@code n} files, measured under {@code dir} (left for the caller). */
  static double rate(int n, int threads, Path dir) throws IOException {
    Path tmp = dir.resolve("tmp");
    Path dst = dir.resolve("dst");
    Files.createDirectories(tmp);
    Files.createDirectories(dst);
    byte[] body = new byte[200];
    Arrays.fill(body, (byte) 'x');
    long t0 = System.nanoTime();
    writeAndSync(n, threads, tmp, body);
    for (int i = 0; i < n; i++) {
      Files.move(tmp.resolve("f" + i), dst.resolve("f" + i), StandardCopyOption.ATOMIC_MOVE);
    }
    syncDir(dst);
    syncDir(tmp);
    return n / Workloads.seconds(System.nanoTime() - t0);
  }

  private static void writeAndSync(int n, int threads, Path tmp, byte[] body) throws IOException {
    ExecutorService pool = Executors.newFixedThreadPool(threads);
    AtomicInteger next = new AtomicInteger();
    List<Future<Void>> parts = new ArrayList<>();
    try {
      for (int k = 0; k < threads; k++) {
        parts.add(
            pool.submit(
                () -> {
                  for (int i = next.getAndIncrement(); i < n; i = next.getAndIncrement()) {
                    try (FileChannel ch =
                        FileChannel.open(
                            tmp.resolve("f" + i),
                            StandardOpenOption.CREATE_NEW,
                            StandardOpenOption.WRITE)) {
                      ch.write(ByteBuffer.wrap(body));
                      ch.force(true);
                    }
                  }
                  return null;
                }));
      }
      for (Future<Void> f : parts) {
        f.get();
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException("interrupted while measuring the fsync floor", e);
    } catch (ExecutionException e) {
      throw new IOException("fsync floor failed", e.getCause());
    } finally {
      pool.shutdownNow();
    }
  }

  private static void syncDir(Path dir) throws IOException {
    try (FileChannel ch = FileChannel.open(dir, StandardOpenOption.READ)) {
      ch.force(true);
    }
  }
}
