package dev.spool.coordinator.submit;

import dev.spool.protocol.spool.TaskName;

/** What a submit did. */
public sealed interface SubmitResult {
  String id();

  /** The task was published under {@code name}. */
  record Created(String id, TaskName name) implements SubmitResult {}

  /** A task with the same idempotency key exists already; nothing was created. */
  record Existing(String id, String idempotencyKey) implements SubmitResult {}
}
