package dev.spool.coordinator.decision;

/**
 * Named points between a decision's WAL append and its renames where a crash test can halt the JVM
 * (as kill -9 would): set the system property {@code spool.coordinator.crashAt} to a point's name.
 * Unset in production, where {@link #reach} is a field read.
 */
public final class CrashPoints {
  /** After the decision is durable in the WAL, before anything else. */
  public static final String AFTER_WAL_APPEND = "after-wal-append";

  /** After the Lost result of a dead worker's attempt is published, before the move. */
  public static final String AFTER_RESULT_PUBLISH = "after-result-publish";

  /** After the end note of a dead or cancelled task is written, before the move. */
  public static final String AFTER_END_NOTE = "after-end-note";

  /** After the task file was renamed, before the decision is marked applied. */
  public static final String AFTER_MOVE = "after-move";

  /** After a cancel moved its task, before the cancel request is removed. */
  public static final String BEFORE_CONTROL_REMOVED = "before-control-removed";

  private static final String ARMED = System.getProperty("spool.coordinator.crashAt");

  private CrashPoints() {}

  /** Halts the JVM with status 137 if {@code point} is the armed crash point. */
  public static void reach(String point) {
    if (point.equals(ARMED)) {
      Runtime.getRuntime().halt(137);
    }
  }
}
