package dev.spool.worker;

import java.util.concurrent.atomic.AtomicLong;

/**
 * This incarnation's claim attempts and lost claim races, for the heartbeat's {@code claims_total}
 * and {@code claims_lost_total}. Written by the dispatcher thread, read by the heartbeat thread.
 */
final class ClaimCounts {
  private final AtomicLong attempts = new AtomicLong();
  private final AtomicLong lost = new AtomicLong();

  /** One claim rename was tried; {@code won} false when another claimer had taken the task. */
  void record(boolean won) {
    attempts.incrementAndGet();
    if (!won) {
      lost.incrementAndGet();
    }
  }

  long attempts() {
    return attempts.get();
  }

  long lost() {
    return lost.get();
  }
}
