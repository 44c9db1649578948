package dev.spool.worker;

import dev.spool.protocol.fs.FileOps;
import dev.spool.protocol.fs.ForwardingFileOps;
import java.io.IOException;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Named steps of a worker where a crash test can halt the JVM (as kill -9 would). Set the system
 * property {@code spool.worker.crashAt} to a step's name; {@code spool.worker.crashAt.hit} (default
 * 1) says at which arrival at that step the JVM halts with status 137. Unset in production, where
 * {@link #reach} is a field read and {@link #wrap} returns its argument.
 *
 * <p>The fault-injection suite (the {@code chaos} module) kills workers at each of these steps and
 * checks that nothing is lost and a result that reached results/ is never redone. Thread-safe.
 */
public final class CrashPoints {
  /** The claim rename succeeded; the task file is not read yet. */
  public static final String AFTER_CLAIM = "after-claim";

  /** The task's process was started; the worker dies while it runs (the process lives on). */
  public static final String AFTER_PROCESS_START = "after-process-start";

  /** results/ID~A.json is published; the claim is not moved out of claimed/ yet. */
  public static final String AFTER_RESULT_PUBLISH = "after-result-publish";

  /** A heartbeat's temp file is written and fsynced; the rename into heartbeats/ is not done. */
  public static final String DURING_HEARTBEAT_WRITE = "during-heartbeat-write";

  private static final String ARMED = System.getProperty("spool.worker.crashAt");
  private static final int HIT = Integer.getInteger("spool.worker.crashAt.hit", 1);
  private static final AtomicInteger hits = new AtomicInteger();

  private CrashPoints() {}

  /** Halts the JVM with status 137 at the configured arrival at the armed step {@code point}. */
  public static void reach(String point) {
    if (point.equals(ARMED) && hits.incrementAndGet() >= HIT) {
      Runtime.getRuntime().halt(137);
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
