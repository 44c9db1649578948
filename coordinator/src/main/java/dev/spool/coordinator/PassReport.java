package dev.spool.coordinator;

/**
 * What a pass tells the loop's pacing.
 *
 * @param changed the pass decided something, or a listed directory differed from its last listing
 * @param deadlineNanos the earliest moment (on the coordinator's ticker) a later pass must run to
 *     act on time; {@link Long#MAX_VALUE} for none
 */
record PassReport(boolean changed, long deadlineNanos) {
  /** After a failed pass, or as a standby: keep the base interval. */
  static final PassReport BUSY = new PassReport(true, Long.MAX_VALUE);
}
