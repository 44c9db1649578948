package dev.spool.protocol.spool;

import dev.spool.protocol.testing.Await;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The contender JVMs of {@link ClaimRaceIT}: started with this JVM's java binary and class path,
 * output to files in the barrier directory. Every wait is bounded; {@link #close} kills whatever is
 * still running.
 */
final class ClaimRaceChildren implements AutoCloseable {
  /** A contender exits by itself after this long, whatever happens to the test JVM. */
  private static final long CHILD_DEADLINE_SECONDS = 170;

  private final Path barrier;
  private final List<Process> processes = new ArrayList<>();

  private ClaimRaceChildren(Path barrier) {
    this.barrier = barrier;
  }

  /**
   * Starts {@code count} contenders. With {@code spread}, contender N starts each batch at position
   * N * batch / count instead of at its first name, so contenders collide less.
   */
  static ClaimRaceChildren start(
      SpoolLayout layout, Path barrier, int count, int batch, boolean fsync, boolean spread)
      throws IOException {
    String java = ProcessHandle.current().info().command().orElseThrow();
    ClaimRaceChildren children = new ClaimRaceChildren(barrier);
    try {
      for (int n = 0; n < count; n++) {
        ProcessBuilder pb =
            new ProcessBuilder(
                java,
                "-Xmx96m",
                "-XX:+UseSerialGC",
                "-XX:TieredStopAtLevel=1",
                "-cp",
                System.getProperty("java.class.path"),
                ClaimRaceChild.class.getName(),
                layout.root().toString(),
                barrier.toString(),
                Integer.toString(n),
                Integer.toString(batch),
                Boolean.toString(fsync),
                Long.toString(CHILD_DEADLINE_SECONDS),
                Integer.toString(spread ? n * batch / count : 0));
        pb.redirectOutput(barrier.resolve("out-" + n + ".log").toFile());
        pb.redirectError(barrier.resolve("err-" + n + ".log").toFile());
        children.processes.add(pb.start());
      }
    } catch (IOException | RuntimeException e) {
      children.close();
      throw e;
    }
    return children;
  }

  /** Waits until every contender wrote {@code ready-N}; fails early if one exited. */
  void awaitReady(Duration timeout) {
    Await.until(
        timeout,
        "all " + processes.size() + " contenders ready",
        () -> {
          checkNoneExited();
          for (int n = 0; n < processes.size(); n++) {
            if (!Files.exists(barrier.resolve("ready-" + n))) {
              return false;
            }
          }
          return true;
        });
  }

  /** Waits, within one overall bound, until every contender exited with status 0. */
  void awaitExit(Duration timeout) throws InterruptedException, IOException {
    long deadline = System.nanoTime() + timeout.toNanos();
    for (int n = 0; n < processes.size(); n++) {
      Process p = processes.get(n);
      long left = Math.max(0, deadline - System.nanoTime());
      if (!p.waitFor(left, TimeUnit.NANOSECONDS)) {
        throw new AssertionError("contender " + n + " still running after " + timeout + tail(n));
      }
      if (p.exitValue() != 0) {
        throw new AssertionError("contender " + n + " exited with " + p.exitValue() + tail(n));
      }
    }
  }

  private void checkNoneExited() {
    for (int n = 0; n < processes.size(); n++) {
      if (!processes.get(n).isAlive()) {
        throw new AssertionError(
            "contender " + n + " exited early with " + processes.get(n).exitValue() + tail(n));
      }
    }
  }

  private String tail(int n) {
    try {
      String err = Files.readString(barrier.resolve("err-" + n + ".log"), StandardCharsets.UTF_8);
      return "; stderr tail:\n" + err.substring(Math.max(0, err.length() - 4000));
    } catch (IOException e) {
      return "; stderr unreadable: " + e;
    }
  }

  @Override
  public void close() {
    for (Process p : processes) {
      p.destroyForcibly();
    }
    for (Process p : processes) {
      try {
        p.waitFor(10, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      }
    }
  }
}
