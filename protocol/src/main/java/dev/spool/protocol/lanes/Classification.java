package dev.spool.protocol.lanes;

import java.util.Set;

/**
 * The classes of an attempt, as written in {@code AttemptResult.classification}. The routing
 * classes ({@link #routesAround}) say the lane or account could not serve the task, not that the
 * task is broken: they never spend one of the task's failure retries.
 */
public final class Classification {
  public static final String SUCCEEDED = "succeeded";
  public static final String FAILED = "failed";
  public static final String RATE_LIMITED = "rate_limited";
  public static final String QUOTA_EXHAUSTED = "quota_exhausted";
  public static final String AUTH_FAILED = "auth_failed";
  public static final String CONTEXT_TOO_LARGE = "context_too_large";
  public static final String TIMED_OUT = "timed_out";
  public static final String IDLE = "idle";
  public static final String CANCELLED = "cancelled";

  /** Every class, in documentation order. */
  public static final Set<String> ALL =
      Set.of(
          SUCCEEDED,
          FAILED,
          RATE_LIMITED,
          QUOTA_EXHAUSTED,
          AUTH_FAILED,
          CONTEXT_TOO_LARGE,
          TIMED_OUT,
          IDLE,
          CANCELLED);

  private static final Set<String> ROUTING =
      Set.of(RATE_LIMITED, QUOTA_EXHAUSTED, AUTH_FAILED, CONTEXT_TOO_LARGE);

  private Classification() {}

  /** True for the classes that move the task to another lane or account without a retry spent. */
  public static boolean routesAround(String classification) {
    return classification != null && ROUTING.contains(classification);
  }

  /** True for the classes that cool the lane account down fleet-wide. */
  public static boolean coolsDown(String classification) {
    return RATE_LIMITED.equals(classification) || QUOTA_EXHAUSTED.equals(classification);
  }

  /** The class name, refused when unknown. */
  public static String check(String classification) {
    if (!ALL.contains(classification)) {
      throw new IllegalArgumentException(
          "unknown classification " + classification + "; one of " + ALL);
    }
    return classification;
  }
}
