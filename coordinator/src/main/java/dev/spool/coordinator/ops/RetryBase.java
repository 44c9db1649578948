package dev.spool.coordinator.ops;

import dev.spool.protocol.Require;
import java.time.Instant;

/**
 * {@code results/<id>~reset.json}: an operator's {@code spool retry} gave the task a fresh retry
 * budget from attempt {@code fromAttempt} on. Earlier attempts stay in the history but no longer
 * count against {@code max_retries} or {@code max_lost}.
 */
public record RetryBase(String taskId, Integer fromAttempt, Instant at, String by) {
  public RetryBase {
    Require.id(taskId, "task_id");
    Require.nonNull(fromAttempt, "from_attempt");
  }
}
