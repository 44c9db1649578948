package dev.spool.chaos;

import java.time.Duration;
import java.util.concurrent.locks.LockSupport;

/**
 * The pace of a fault schedule (Jepsen's nemesis): how long to let the system run between two
 * faults. This is the experiment's timing, not a synchronisation; every wait for an effect uses
 * {@link dev.spool.protocol.testing.Await}.
 */
final class FaultSchedule {
  private FaultSchedule() {}

  /** Lets the system run for {@code d} before the next fault. */
  static void runFor(Duration d) {
    long end = System.nanoTime() + d.toNanos();
    for (long left = d.toNanos(); left > 0; left = end - System.nanoTime()) {
      LockSupport.parkNanos(left);
    }
  }
}
