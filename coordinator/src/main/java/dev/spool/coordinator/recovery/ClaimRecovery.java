package dev.spool.coordinator.recovery;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.spool.coordinator.decision.Decision;
import dev.spool.coordinator.decision.TaskReader;
import dev.spool.coordinator.retry.AttemptHistory;
import dev.spool.coordinator.retry.RetryPolicy;
import dev.spool.protocol.spool.TaskName;
import dev.spool.protocol.spool.TerminalReason;
import dev.spool.protocol.task.Task;
import java.io.IOException;
import java.time.Instant;
import java.util.Optional;

/**
 * Decides what becomes of a claim whose worker run is dead: the attempt is recorded as lost and the
 * task goes back to pending/ with the next attempt number, or to dead/ ({@code max_lost}) when its
 * lost attempts, counted from the results history including this one, exceed {@code max_lost}. If
 * the worker published a result before dying, the applier moves the claim as that result says
 * instead (see {@code DecisionApplier}). Thread-safe.
 */
public final class ClaimRecovery {
  private final TaskReader tasks;

  public ClaimRecovery(TaskReader tasks) {
    this.tasks = tasks;
  }

  public Optional<Decision> decide(TaskName.Claimed claim, Instant now) throws IOException {
    Optional<Task> task = tasks.read(claim);
    if (task.isEmpty()) {
      return Optional.empty();
    }
    int lost = AttemptHistory.load(tasks.layout(), claim.id(), claim.attempt() - 1).lost() + 1;
    ObjectNode detail = Decision.newDetail();
    detail.put("worker", claim.worker());
    detail.put("incarnation", claim.incarnation());
    detail.put("priority", task.get().priority());
    if (RetryPolicy.lostExhausted(task.get(), lost)) {
      detail.put(
          "message",
          lost
              + " attempts lost with their worker (last on "
              + claim.worker()
              + "), max_lost is "
              + task.get().maxLost());
      Decision dead = Decision.dead(claim, TerminalReason.MAX_LOST, detail);
      return Optional.of(
          new Decision(Decision.LOST, claim, dead.to(), TerminalReason.MAX_LOST, null, detail));
    }
    TaskName.Pending next =
        new TaskName.Pending(
            task.get().priority(), now.toEpochMilli(), claim.id(), claim.attempt() + 1);
    return Optional.of(new Decision(Decision.LOST, claim, next, null, null, detail));
  }
}
