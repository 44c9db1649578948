package dev.spool.worker.discovery;

import dev.spool.worker.lane.LaneNeed;
import java.util.Objects;

/**
 * What this worker may do with a pending task, cached in the {@link PendingIndex} so a task file is
 * read at most once per worker while it waits. Most verdicts are shared constants; only refusals
 * carry a reason.
 */
public final class Verdict {
  /** What the dispatcher does with the task. */
  public enum Kind {
    /** Run it. */
    ELIGIBLE,
    /** Run it, but a task this worker matches better comes first among equal priorities. */
    ELIGIBLE_NOT_PREFERRED,
    /** Leave it for another worker. */
    INELIGIBLE,
    /** Claim it and move it to quarantine/ with the reason (invalid, or refused raw argv). */
    QUARANTINE
  }

  public static final Verdict ELIGIBLE = new Verdict(Kind.ELIGIBLE, null);
  public static final Verdict ELIGIBLE_NOT_PREFERRED =
      new Verdict(Kind.ELIGIBLE_NOT_PREFERRED, null);
  public static final Verdict INELIGIBLE = new Verdict(Kind.INELIGIBLE, null);

  private final Kind kind;
  private final String reason;
  private final LaneNeed need;

  private Verdict(Kind kind, String reason) {
    this(kind, reason, null);
  }

  private Verdict(Kind kind, String reason, LaneNeed need) {
    this.kind = kind;
    this.reason = reason;
    this.need = need;
  }

  /** A routed task this worker may run on one of the lanes of {@code need}. */
  public static Verdict routed(boolean preferred, LaneNeed need) {
    return new Verdict(
        preferred ? Kind.ELIGIBLE : Kind.ELIGIBLE_NOT_PREFERRED,
        null,
        Objects.requireNonNull(need, "need"));
  }

  /** The lanes of a routed task; null for a task that is not routed. */
  public LaneNeed need() {
    return need;
  }

  public static Verdict quarantine(String reason) {
    return new Verdict(Kind.QUARANTINE, Objects.requireNonNull(reason, "reason"));
  }

  public Kind kind() {
    return kind;
  }

  public boolean runnable() {
    return kind == Kind.ELIGIBLE || kind == Kind.ELIGIBLE_NOT_PREFERRED;
  }

  /** Why the task goes to quarantine; null for other kinds. */
  public String reason() {
    return reason;
  }

  @Override
  public String toString() {
    return reason == null ? kind.name() : kind + "(" + reason + ")";
  }
}
