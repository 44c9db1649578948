package dev.spool.coordinator.hooks;

import dev.spool.protocol.Require;
import java.time.Instant;
import java.util.Map;
import java.util.Objects;

/**
 * What a hook receives as JSON on stdin.
 *
 * @param event {@code task_done}, {@code task_dead}, {@code task_cancelled}, {@code worker_dead} or
 *     {@code lane_quota_low}
 * @param reason for a task, the terminal reason code ({@code max_retries}, {@code expired}...)
 */
public record HookEvent(
    String event,
    Instant at,
    String taskId,
    String worker,
    String reason,
    String message,
    Map<String, String> labels) {
  public static final String TASK_DEAD = "task_dead";
  public static final String TASK_DONE = "task_done";
  public static final String TASK_CANCELLED = "task_cancelled";
  public static final String WORKER_DEAD = "worker_dead";

  /**
   * An account used 80 % of a quota (sliding window or month); labels {@code lane} and {@code
   * account}.
   */
  public static final String LANE_QUOTA_LOW = "lane_quota_low";

  public HookEvent {
    Require.name(event, "event");
    Objects.requireNonNull(at, "at");
    labels = labels == null ? Map.of() : Map.copyOf(labels);
  }
}
