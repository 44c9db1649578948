package dev.spool.bench;

import java.io.File;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The W1 baselines: a plain Java loop that starts {@code true} N times on T threads with
 * ProcessBuilder and waits for each, output discarded. No queue, no files: what a JVM on this
 * machine can do at best. Run in its own JVM so the launch mechanism is the one its command line
 * sets. The same N spawns run once untimed first, as the daemons are warmed before their timed run.
 * Prints {@code spawn tasks=N threads=T wall_s=.. per_s=..} and the CPU ms per timed task of this
 * JVM, of its children and of the whole machine, and the machine's idle share ({@link CpuTimes}).
 *
 * <p>With a third argument, a directory, it is the durable floor instead: around each spawn the
 * loop does the file operations PROTOCOL.md asks of a worker for one task, with nothing else (no
 * JSON, no discovery, no logs, no threads but the loop's): rename the task file from pending/ to
 * claimed/ and fsync both directories (section 10); spawn in a working directory of its own thread,
 * made once and reused as a worker reuses its scratch directories; write a 650-byte result into
 * tmp/, fsync it, link it into results/, unlink the temporary name and fsync results/ (section 9);
 * rename the claim into done/ and fsync done/ and claimed/. The task files are made before the
 * timer starts, where Spool's W1 also submits its tasks inside its timed run, so the floor is
 * generous. What Spool reaches of it is what its machinery costs; what the floor reaches of the
 * plain loop is what durability costs on this disk.
 */
public final class SpawnLoop {
  private SpawnLoop() {}

  public static void main(String[] args) throws Exception {
    int n = Integer.parseInt(args[0]);
    int threads = Integer.parseInt(args[1]);
    Durable durable = args.length > 2 ? new Durable(Path.of(args[2]), 2 * n) : null;
    ExecutorService pool = Executors.newFixedThreadPool(threads);
    spawnAll(pool, 0, n, threads, durable);
    CpuTimes.Machine machine0 = CpuTimes.Machine.now();
    CpuTimes.Proc self0 = CpuTimes.Proc.ofThisJvm();
    long t0 = System.nanoTime();
    spawnAll(pool, n, n, threads, durable);
    double wall = (System.nanoTime() - t0) / 1e9;
    CpuTimes.Machine machine = CpuTimes.Machine.now();
    CpuTimes.Proc self = CpuTimes.Proc.ofThisJvm();
    pool.shutdown();
    System.out.printf(
        java.util.Locale.ROOT,
        "spawn tasks=%d threads=%d wall_s=%.3f per_s=%.1f self_cpu_ms=%.3f children_cpu_ms=%.3f"
            + " machine_cpu_ms=%.3f idle_share=%.2f%n",
        n,
        threads,
        wall,
        n / wall,
        self.selfMsPerTask(self0, n),
        self.childrenMsPerTask(self0, n),
        machine.busyMsPerTask(machine0, n),
        machine.idleShare(machine0));
  }

  /** Runs tasks {@code from} to {@code from + count - 1} on the pool's threads. */
  private static void spawnAll(
      ExecutorService pool, int from, int count, int threads, Durable durable) throws Exception {
    AtomicInteger next = new AtomicInteger();
    Future<?>[] futures = new Future<?>[threads];
    for (int t = 0; t < threads; t++) {
      futures[t] =
          pool.submit(
              () -> {
                int i;
                while ((i = next.getAndIncrement()) < count) {
                  if (durable == null) {
                    spawn(null);
                  } else {
                    durable.task(from + i);
                  }
                }
                return null;
              });
    }
    for (Future<?> f : futures) {
      f.get(10, TimeUnit.MINUTES);
    }
  }

  private static void spawn(Path cwd) throws IOException, InterruptedException {
    ProcessBuilder pb =
        new ProcessBuilder("true")
            .redirectOutput(ProcessBuilder.Redirect.DISCARD)
            .redirectError(ProcessBuilder.Redirect.DISCARD)
            .redirectInput(new File("/dev/null"));
    if (cwd != null) {
      pb.directory(cwd.toFile());
    }
    Process p = pb.start();
    if (!p.waitFor(30, TimeUnit.SECONDS)) {
      p.destroyForcibly();
      throw new IllegalStateException("true did not exit in 30 s");
    }
  }

  /** The protocol's file operations for task i, around its spawn. */
  private static final class Durable {
    private final Path pending;
    private final Path claimed;
    private final Path results;
    private final Path done;
    private final Path tmp;
    private final ThreadLocal<Path> cwd;
    private final byte[] result;

    Durable(Path root, int tasks) throws IOException {
      pending = Files.createDirectories(root.resolve("pending"));
      claimed = Files.createDirectories(root.resolve("claimed"));
      results = Files.createDirectories(root.resolve("results"));
      done = Files.createDirectories(root.resolve("done"));
      tmp = Files.createDirectories(root.resolve("tmp"));
      Path scratch = Files.createDirectories(root.resolve("scratch"));
      cwd =
          ThreadLocal.withInitial(
              () -> {
                try {
                  return Files.createDirectory(
                      scratch.resolve("s" + Thread.currentThread().getId()));
                } catch (IOException e) {
                  throw new java.io.UncheckedIOException(e);
                }
              });
      byte[] task = "x".repeat(200).getBytes(StandardCharsets.US_ASCII);
      result = "r".repeat(650).getBytes(StandardCharsets.US_ASCII);
      for (int i = 0; i < tasks; i++) {
        Files.write(pending.resolve(i + ".json"), task);
      }
      syncDir(pending);
    }

    void task(int i) throws IOException, InterruptedException {
      String name = i + ".json";
      Files.move(pending.resolve(name), claimed.resolve(name));
      syncDir(claimed);
      syncDir(pending);
      spawn(cwd.get());
      Path staged = tmp.resolve(name);
      try (FileChannel ch =
          FileChannel.open(staged, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
        ch.write(ByteBuffer.wrap(result));
        ch.force(true);
      }
      Files.createLink(results.resolve(name), staged);
      Files.delete(staged);
      syncDir(results);
      Files.move(claimed.resolve(name), done.resolve(name));
      syncDir(done);
      syncDir(claimed);
    }

    private static void syncDir(Path dir) throws IOException {
      try (FileChannel ch = FileChannel.open(dir, StandardOpenOption.READ)) {
        ch.force(true);
      }
    }
  }
}
