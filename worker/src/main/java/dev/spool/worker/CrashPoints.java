package dev.spool.worker;

import dev.spool.protocol.fs.FileOps;
import dev.spool.protocol.fs.ForwardingFileOps;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;

/**
 * Named steps of a worker where a crash test can halt the JVM (as kill -9 would). Set the system
 * property {@code spool.worker.crashAt} to a step's name; {@code spool.worker.crashAt.hit} (default
 * 1) says at which arrival at that step the JVM halts with status 137. Unset in production, where
 * {@link #reach} is a field read and {@link #wrap} returns its argument.
 *
 * <p>A step can also be armed as a pause ({@code spool.worker.pauseAt} = the step's name, {@code
 * spool.worker.pauseDir} = a directory): the first thread to arrive there creates {@code
 * STEP.reached} in that directory and waits (at most {@link #MAX_PAUSE}) until {@code STEP.release}
 * exists, so a test can freeze the whole JVM (SIGSTOP) at exactly that step.
 *
 * <p>The fault-injection suite (the {@code chaos} module) kills workers at each of these steps and
 * checks that nothing is lost and a result that reached results/ is never redone. Thread-safe.
 */
public final class CrashPoints {
  /** The claim rename succeeded; the task file is not read yet. */
  public static final String AFTER_CLAIM = "after-claim";

  /**
   * The attempt is prepared (working directory, command) and its claim is about to be checked
   * before the process starts; a pause point for the stale-launch test.
   */
  public static final String BEFORE_LAUNCH = "before-launch";

  /** The task's process was started; the worker dies while it runs (the process lives on). */
  public static final String AFTER_PROCESS_START = "after-process-start";

  /** results/ID~A.json is published; the claim is not moved out of claimed/ yet. */
  public static final String AFTER_RESULT_PUBLISH = "after-result-publish";

  /** A heartbeat's temp file is written and fsynced; the rename into heartbeats/ is not done. */
  public static final String DURING_HEARTBEAT_WRITE = "during-heartbeat-write";

  private static final String ARMED = System.getProperty("spool.worker.crashAt");
  private static final int HIT = Integer.getInteger("spool.worker.crashAt.hit", 1);
  private static final AtomicInteger hits = new AtomicInteger();
  private static final String PAUSE_AT = System.getProperty("spool.worker.pauseAt");
  private static final String PAUSE_DIR = System.getProperty("spool.worker.pauseDir");
  private static final AtomicBoolean paused = new AtomicBoolean();
  private static final Duration MAX_PAUSE = Duration.ofMinutes(5);

  private CrashPoints() {}

  /** Halts the JVM with status 137 at the configured arrival at the armed step {@code point}. */
  public static void reach(String point) {
    if (point.equals(ARMED) && hits.incrementAndGet() >= HIT) {
      Runtime.getRuntime().halt(137);
    }
  }

  /**
   * Waits at the armed pause step {@code point} (first arrival only) until the test releases it;
   * returns at once when no pause is armed there.
   */
  public static void pause(String point) {
    if (!point.equals(PAUSE_AT) || PAUSE_DIR == null || !paused.compareAndSet(false, true)) {
      return;
    }
    Path dir = Path.of(PAUSE_DIR);
    try {
      Files.createDirectories(dir);
      Files.writeString(dir.resolve(point + ".reached"), "");
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    long deadline = System.nanoTime() + MAX_PAUSE.toNanos();
    while (!Files.exists(dir.resolve(point + ".release")) && System.nanoTime() - deadline < 0) {
      LockSupport.parkNanos(20_000_000L);
    }
  }

  /**
   * The worker's file operations, with a halt before the rename of a heartbeat's temp file when
   * {@link #DURING_HEARTBEAT_WRITE} is armed.
   */
  static FileOps wrap(FileOps ops) {
    if (!DURING_HEARTBEAT_WRITE.equals(ARMED)) {
      return ops;
    }
    return new ForwardingFileOps(ops) {
      @Override
      public void rename(Path source, Path target) throws IOException {
        Path dir = target.getParent();
        if (dir != null && dir.getFileName().toString().equals("heartbeats")) {
          reach(DURING_HEARTBEAT_WRITE);
        }
        super.rename(source, target);
      }
    };
  }
}
