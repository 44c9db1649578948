package dev.spool.worker.publish;

import dev.spool.protocol.heartbeat.FinishedTask;
import dev.spool.protocol.heartbeat.Heartbeat;
import dev.spool.protocol.spool.TaskState;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;

/**
 * What this worker finished, for its heartbeat: totals for the incarnation and the attempts since
 * the previous heartbeat (bounded: a worker finishing more than {@link Heartbeat#MAX_FINISHED}
 * between two beats reports the newest; totals stay exact). Thread-safe.
 */
public final class FinishLog {
  private final ArrayDeque<FinishedTask> recent = new ArrayDeque<>();
  private long succeeded;
  private long failed;

  /** Records a fenced finish that moved the task to {@code to}; hand-backs are not finishes. */
  public synchronized void record(String taskId, int attempt, TaskState to) {
    if (to != TaskState.DONE && to != TaskState.FAILED && to != TaskState.CANCELLED) {
      return;
    }
    if (to == TaskState.DONE) {
      succeeded++;
    } else {
      failed++;
    }
    if (recent.size() == Heartbeat.MAX_FINISHED) {
      recent.removeFirst();
    }
    recent.addLast(new FinishedTask(taskId, attempt, to));
  }

  public synchronized long succeeded() {
    return succeeded;
  }

  public synchronized long failed() {
    return failed;
  }

  /** The attempts finished since the last call, oldest first. */
  public synchronized List<FinishedTask> drain() {
    List<FinishedTask> out = new ArrayList<>(recent);
    recent.clear();
    return out;
  }
}
