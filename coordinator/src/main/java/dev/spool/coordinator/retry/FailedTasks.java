package dev.spool.coordinator.retry;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.spool.coordinator.decision.Decision;
import dev.spool.coordinator.decision.TaskReader;
import dev.spool.protocol.lanes.Classification;
import dev.spool.protocol.result.AttemptResult;
import dev.spool.protocol.spool.TaskName;
import dev.spool.protocol.task.Task;
import java.io.IOException;
import java.time.Instant;
import java.util.Optional;

/**
 * Decides the fate of {@code failed/<id>~<attempt>.json} from the task's policy and its results
 * history: retry now (pending/), retry later (scheduled/, the due time in the name so a restart
 * cannot shorten the backoff), or dead/. Thread-safe.
 */
public final class FailedTasks {
  private final TaskReader tasks;
  private final LaneRetry lanes;

  public FailedTasks(TaskReader tasks) {
    this(tasks, null);
  }

  /** Failed tasks whose routing classes ({@link LaneRetry}) are handled by {@code lanes}. */
  public FailedTasks(TaskReader tasks, LaneRetry lanes) {
    this.tasks = tasks;
    this.lanes = lanes;
  }

  /**
   * @param unit a random number in [0, 1) for the backoff jitter
   */
  public Optional<Decision> decide(TaskName failed, Instant now, double unit) throws IOException {
    Optional<Task> task = tasks.read(failed);
    if (task.isEmpty()) {
      return Optional.empty();
    }
    AttemptHistory history = AttemptHistory.load(tasks.layout(), failed.id(), failed.attempt());
    Optional<AttemptResult> last = history.last();
    if (lanes != null
        && last.isPresent()
        && last.get().attempt() == failed.attempt()
        && Classification.routesAround(last.get().classification())) {
      return Optional.of(lanes.decide(failed, task.get(), last.get(), history, now));
    }
    RetryDecision d = RetryPolicy.afterFailure(task.get(), history, now, unit);
    ObjectNode detail = Decision.newDetail();
    if (d instanceof RetryDecision.GiveUp) {
      RetryDecision.GiveUp up = (RetryDecision.GiveUp) d;
      detail.put("message", up.message());
      return Optional.of(Decision.dead(failed, up.reason(), detail));
    }
    RetryDecision.RetryAt at = (RetryDecision.RetryAt) d;
    int priority = task.get().priority();
    int next = failed.attempt() + 1;
    detail.put("retry", at.retry());
    TaskName to =
        at.due().isAfter(now)
            ? new TaskName.Scheduled(at.due().toEpochMilli(), priority, failed.id(), next)
            : new TaskName.Pending(priority, now.toEpochMilli(), failed.id(), next);
    return Optional.of(new Decision(Decision.RETRY, failed, to, null, at.due(), detail));
  }
}
