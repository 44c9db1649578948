package dev.spool.coordinator.submit;

import dev.spool.protocol.Require;
import java.time.Instant;
import java.util.Objects;

/** The content of {@code state/idempotency/<hash>.json}: which task a key was first used for. */
public record IdempotencyRecord(String key, String taskId, Instant reservedAt) {
  public IdempotencyRecord {
    Objects.requireNonNull(key, "key");
    Require.id(taskId, "task_id");
  }
}
