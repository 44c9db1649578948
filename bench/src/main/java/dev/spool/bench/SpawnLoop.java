package dev.spool.bench;

import java.io.File;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The W1 baseline: a plain Java loop that starts {@code true} N times on T threads with
 * ProcessBuilder and waits for each, output discarded. No queue, no files: what a JVM on this
 * machine can do at best. Run in its own JVM so the launch mechanism is the one its command line
 * sets. The same N spawns run once untimed first, as the daemons are warmed before their timed run.
 * Prints {@code spawn tasks=N threads=T wall_s=.. per_s=..}.
 */
public final class SpawnLoop {
  private SpawnLoop() {}

  public static void main(String[] args) throws Exception {
    int n = Integer.parseInt(args[0]);
    int threads = Integer.parseInt(args[1]);
    ExecutorService pool = Executors.newFixedThreadPool(threads);
    spawnAll(pool, n, threads);
    long t0 = System.nanoTime();
    spawnAll(pool, n, threads);
    double wall = (System.nanoTime() - t0) / 1e9;
    pool.shutdown();
    System.out.printf(
        "spawn tasks=%d threads=%d wall_s=%.3f per_s=%.1f%n", n, threads, wall, n / wall);
  }

  private static void spawnAll(ExecutorService pool, int n, int threads) throws Exception {
    AtomicInteger next = new AtomicInteger();
    Future<?>[] futures = new Future<?>[threads];
    for (int t = 0; t < threads; t++) {
      futures[t] =
          pool.submit(
              () -> {
                while (next.getAndIncrement() < n) {
                  Process p =
                      new ProcessBuilder("true")
                          .redirectOutput(ProcessBuilder.Redirect.DISCARD)
                          .redirectError(ProcessBuilder.Redirect.DISCARD)
                          .redirectInput(new File("/dev/null"))
                          .start();
                  if (!p.waitFor(30, TimeUnit.SECONDS)) {
                    p.destroyForcibly();
                    throw new IllegalStateException("true did not exit in 30 s");
                  }
                }
                return null;
              });
    }
    for (Future<?> f : futures) {
      f.get(10, TimeUnit.MINUTES);
    }
  }
}
