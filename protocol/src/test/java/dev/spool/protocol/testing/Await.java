package dev.spool.protocol.testing;

import java.time.Duration;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;

/**
 * Waits for a condition with a deadline, polling briefly: the bounded alternative to sleeping in a
 * test. Fails with the description when the deadline passes.
 */
public final class Await {
  private Await() {}

  public static void until(Duration timeout, String description, BooleanSupplier condition) {
    long deadline = System.nanoTime() + timeout.toNanos();
    long pause = 1_000_000L;
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() - deadline > 0) {
        throw new AssertionError("timed out after " + timeout + " waiting for: " + description);
      }
      LockSupport.parkNanos(pause);
      pause = Math.min(pause * 2, 50_000_000L);
    }
  }
}
