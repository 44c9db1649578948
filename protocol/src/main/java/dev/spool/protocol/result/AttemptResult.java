package dev.spool.protocol.result;

import dev.spool.protocol.FieldException;
import dev.spool.protocol.Require;
import dev.spool.protocol.spool.TaskName;
import java.time.Duration;
import java.time.Instant;

/**
 * The immutable record of one attempt, published once as {@code results/<id>~<attempt>.json}. The
 * first record published for an attempt decides it (it is published with a hard link that fails if
 * the name exists), so a worker and the coordinator can never both decide the same attempt.
 */
public record AttemptResult(
    Integer schemaVersion,
    String taskId,
    Integer attempt,
    String worker,
    Long incarnation,
    String host,
    Instant startedAt,
    Instant finishedAt,
    Duration duration,
    Outcome outcome,
    String classification,
    Duration retryAfter,
    OutputCapture stdout,
    OutputCapture stderr,
    Usage usage,
    String lane,
    String account,
    String sessionId,
    String message) {

  public static final int SCHEMA_VERSION = 1;

  public AttemptResult {
    schemaVersion = schemaVersion == null ? SCHEMA_VERSION : schemaVersion;
    if (schemaVersion < 1 || schemaVersion > SCHEMA_VERSION) {
      throw new FieldException(
          "schema_version", "result schema " + schemaVersion + " is not supported");
    }
    Require.id(taskId, "task_id");
    Require.nonNull(attempt, "attempt");
    Require.range(attempt, 1, 1_000_000, "attempt");
    if (worker != null) {
      Require.id(worker, "worker");
    }
    Require.nonNull(outcome, "outcome");
    Require.nonNull(finishedAt, "finished_at");
    if (duration != null && duration.isNegative()) {
      throw new FieldException("duration", "must not be negative");
    }
    if (classification != null) {
      Require.name(classification, "classification");
    }
  }

  /**
   * The record that decides an attempt as lost (its worker died, or an operator requeued it):
   * published by whoever recovers the claim, in place of the result the worker never wrote.
   */
  public static AttemptResult lost(
      TaskName.Claimed claim, String host, Instant at, String reason, String message) {
    return new AttemptResult(
        null,
        claim.id(),
        claim.attempt(),
        claim.worker(),
        claim.incarnation(),
        host,
        null,
        at,
        null,
        new Outcome.Lost(reason),
        null,
        null,
        null,
        null,
        null,
        null,
        null,
        null,
        message);
  }

  /** True when the attempt counts against {@code max_retries}. */
  public boolean countsAsFailure() {
    switch (outcome.kind()) {
      case FAILED:
      case TIMED_OUT:
      case IDLE_TIMED_OUT:
      case LAUNCH_FAILED:
        return true;
      default:
        return false;
    }
  }
}
