package dev.spool.protocol.heartbeat;

import dev.spool.protocol.Require;
import java.time.Instant;

/**
 * Progress of one running task, as its worker sees it. {@code last_output_at} is the worker's wall
 * clock and is informative only; nobody compares it with another host's clock.
 */
public record RunningTask(
    String taskId, Integer attempt, Instant startedAt, Long outputBytes, Instant lastOutputAt) {
  public RunningTask {
    Require.id(taskId, "task_id");
    Require.nonNull(attempt, "attempt");
    outputBytes = outputBytes == null ? 0L : outputBytes;
  }
}
