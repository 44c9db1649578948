package dev.spool.coordinator.decision;

import com.fasterxml.jackson.databind.JsonNode;
import dev.spool.protocol.InvalidInputException;
import dev.spool.protocol.fs.AtomicFiles;
import dev.spool.protocol.fs.SafeFiles;
import dev.spool.protocol.json.SpoolJson;
import dev.spool.protocol.result.AttemptResult;
import dev.spool.protocol.result.EndNote;
import dev.spool.protocol.result.Outcome;
import dev.spool.protocol.spool.Actor;
import dev.spool.protocol.spool.SpoolLayout;
import dev.spool.protocol.spool.TaskMoves;
import dev.spool.protocol.spool.TaskName;
import dev.spool.protocol.spool.TaskState;
import dev.spool.protocol.spool.TerminalReason;
import dev.spool.protocol.task.Task;
import dev.spool.protocol.wal.WalRecord;
import java.io.IOException;
import java.nio.file.Path;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Carries out one logged decision. Idempotent, so replaying the log after a crash finishes what the
 * crash interrupted and does nothing twice: a source file that is gone means the decision was
 * already applied (or an operator moved the task since), and each step before the rename (end note,
 * Lost result) is either a replace of the same content or a publish-if-absent.
 *
 * <p>Thread-safe as far as the spool is; called from the coordinator loop.
 */
final class DecisionApplier {
  private static final Logger log = LoggerFactory.getLogger(DecisionApplier.class);

  private final SpoolLayout layout;
  private final AtomicFiles files;
  private final TaskMoves moves;

  DecisionApplier(SpoolLayout layout, AtomicFiles files) {
    this.layout = layout;
    this.files = files;
    this.moves = new TaskMoves(layout, files);
  }

  Applied apply(WalRecord r) throws IOException {
    TaskName from = name(r, r.from());
    TaskName to = name(r, r.to());
    Applied applied;
    if (!files.ops().exists(layout.path(from))) {
      applied = Applied.ALREADY_DONE;
    } else if (Decision.LOST.equals(r.op())) {
      applied = applyLost(r, (TaskName.Claimed) from, to);
    } else if (to.state() == TaskState.DEAD || to.state() == TaskState.CANCELLED) {
      writeEndNote(r, to.state(), TerminalReason.parse(r.reason()));
      applied = moveOrTakeBackNote(from, to);
    } else {
      applied = move(from, to) ? Applied.MOVED : Applied.ALREADY_DONE;
    }
    if (Decision.CANCEL.equals(r.op()) && files.ops().exists(layout.path(to))) {
      // Only once the task is in cancelled/: a cancel that lost the race with a claim stays for
      // the worker, which stops the running task.
      CrashPoints.reach(CrashPoints.BEFORE_CONTROL_REMOVED);
      files.ops().deleteIfExists(layout.cancelRequest(r.taskId()));
    }
    log.info(
        "decision_applied seq={} op={} task={} from={} to={} result={}",
        r.seq(),
        r.op(),
        r.taskId(),
        r.from(),
        r.to(),
        applied);
    return applied;
  }

  private TaskName name(WalRecord r, String relative) {
    return SpoolNames.parse(layout, relative)
        .orElseThrow(
            () ->
                new IllegalStateException(
                    "wal record seq " + r.seq() + " names an invalid task path: " + relative));
  }

  private boolean move(TaskName from, TaskName to) throws IOException {
    boolean moved = moves.tryMove(from, to, Actor.COORDINATOR);
    if (moved) {
      CrashPoints.reach(CrashPoints.AFTER_MOVE);
    }
    return moved;
  }

  /**
   * A pending task can be claimed between the decision and its rename: then the end note just
   * written describes a task that is running, and is removed again.
   */
  private Applied moveOrTakeBackNote(TaskName from, TaskName to) throws IOException {
    if (move(from, to)) {
      return Applied.MOVED;
    }
    if (!files.ops().exists(layout.path(to))) {
      files.ops().deleteIfExists(layout.endNote(from.id()));
      log.info(
          "decision_lost_race task={} from={} consequence=end note withdrawn", from.id(), from);
    }
    return Applied.ALREADY_DONE;
  }

  /**
   * The commit point of the lost attempt is its result record: whoever published it first (the
   * worker, just before dying, or this coordinator) decides the attempt. The race with a worker
   * finishing right now is settled by the link that fails on an existing name.
   */
  private Applied applyLost(WalRecord r, TaskName.Claimed claim, TaskName ifLost)
      throws IOException {
    Path resultPath = layout.result(claim.id(), claim.attempt());
    AttemptResult lost =
        AttemptResult.lost(
            claim,
            null,
            r.at(),
            "worker " + claim.worker() + " died",
            "declared lost by the coordinator (wal seq " + r.seq() + ")");
    boolean published = files.publishIfAbsent(resultPath, SpoolJson.write(lost));
    CrashPoints.reach(CrashPoints.AFTER_RESULT_PUBLISH);
    AttemptResult decided = published ? lost : readResult(resultPath);
    if (decided.outcome().kind() == Outcome.Kind.LOST) {
      if (ifLost.state() == TaskState.DEAD) {
        writeEndNote(r, TaskState.DEAD, TerminalReason.parse(r.reason()));
      }
      return move(claim, ifLost) ? Applied.MOVED : Applied.ALREADY_DONE;
    }
    TaskName target = asWorkerWould(claim, decided, r.detail());
    if (target.state() == TaskState.CANCELLED) {
      writeEndNote(r, TaskState.CANCELLED, TerminalReason.CANCELLED);
    }
    log.info(
        "worker_result_applied task={} attempt={} outcome={} to={}",
        claim.id(),
        claim.attempt(),
        decided.outcome().kind().code(),
        target.state().dirName());
    return move(claim, target) ? Applied.WORKER_RESULT : Applied.ALREADY_DONE;
  }

  private AttemptResult readResult(Path path) throws IOException {
    try {
      return SpoolJson.read(
          layout.relative(path),
          SafeFiles.readBounded(path, SpoolJson.MAX_DOCUMENT_BYTES),
          AttemptResult.class);
    } catch (InvalidInputException e) {
      throw new IOException(
          "result "
              + layout.relative(path)
              + " is invalid ("
              + e.getMessage()
              + "); the claim stays until it is repaired",
          e);
    }
  }

  private static TaskName asWorkerWould(TaskName.Claimed c, AttemptResult res, JsonNode detail) {
    switch (res.outcome().kind()) {
      case SUCCEEDED:
        return new TaskName.Terminal(TaskState.DONE, c.id());
      case CANCELLED:
        return new TaskName.Terminal(TaskState.CANCELLED, c.id());
      case HANDED_BACK:
        int priority =
            detail != null && detail.has("priority")
                ? detail.get("priority").asInt()
                : Task.DEFAULT_PRIORITY;
        long at = res.finishedAt().toEpochMilli();
        return new TaskName.Pending(priority, at, c.id(), c.attempt() + 1);
      default:
        return new TaskName.Parked(TaskState.FAILED, c.id(), c.attempt());
    }
  }

  private void writeEndNote(WalRecord r, TaskState state, TerminalReason reason)
      throws IOException {
    JsonNode d = r.detail();
    String dependency = d != null && d.has("dependency") ? d.get("dependency").asText() : null;
    String message = d != null && d.has("message") ? d.get("message").asText() : null;
    int attempts = 0;
    while (files.ops().exists(layout.result(r.taskId(), attempts + 1))) {
      attempts++;
    }
    EndNote note =
        new EndNote(null, r.taskId(), state, reason, r.at(), attempts, dependency, message);
    files.replace(layout.endNote(r.taskId()), SpoolJson.write(note));
    CrashPoints.reach(CrashPoints.AFTER_END_NOTE);
  }
}
