package dev.spool.worker;

import dev.spool.protocol.InvalidInputException;
import dev.spool.protocol.result.AttemptResult;
import dev.spool.protocol.result.Outcome;
import dev.spool.protocol.spool.SpoolLayout;
import dev.spool.protocol.spool.TaskName;
import dev.spool.protocol.spool.TaskState;
import dev.spool.protocol.task.Task;
import dev.spool.worker.publish.AttemptFinisher;
import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Hands back the claims a dead predecessor (same worker id, older incarnation) left, at start-up,
 * instead of waiting for the coordinator's {@code dead_after}. Per claim, as the coordinator would:
 * if a result was already published for the attempt, apply it (a result that reached results/ is
 * never redone); otherwise publish {@link Outcome.Lost} and requeue the task to pending/ with the
 * next attempt, or to failed/ when its lost attempts exceed {@code max_lost} (the coordinator then
 * ends it in dead/). Races with the coordinator are settled by the result's publish-if-absent.
 */
final class ClaimRecovery {
  private static final Logger log = LoggerFactory.getLogger(ClaimRecovery.class);

  private final WorkerContext ctx;

  ClaimRecovery(WorkerContext ctx) {
    this.ctx = ctx;
  }

  /** Recovers every older-incarnation claim of this worker; returns how many were handled. */
  int recover() throws IOException {
    SpoolLayout layout = ctx.spool().layout();
    int n = 0;
    try (DirectoryStream<Path> claims = Files.newDirectoryStream(layout.dir(TaskState.CLAIMED))) {
      for (Path p : claims) {
        Optional<TaskName> name = TaskName.parse(TaskState.CLAIMED, p.getFileName().toString());
        if (name.isEmpty()) {
          continue;
        }
        TaskName.Claimed c = (TaskName.Claimed) name.get();
        if (c.worker().equals(ctx.identity().workerId())
            && c.incarnation() < ctx.identity().incarnation()) {
          try {
            String reason =
                "worker "
                    + c.worker()
                    + " incarnation "
                    + c.incarnation()
                    + " died; handed back by its successor, incarnation "
                    + ctx.identity().incarnation();
            if (handBack(c, p, reason)) {
              n++;
            }
          } catch (IOException | RuntimeException e) {
            log.error(
                "predecessor_claim_not_recovered claim={} consequence=it stays claimed until the"
                    + " coordinator declares the old incarnation dead",
                c.fileName(),
                e);
          }
        }
      }
    }
    return n;
  }

  /**
   * Hands back one claim nothing runs any more: applies the attempt's published result, or records
   * the attempt lost with {@code reason} and requeues the task with the next attempt (or parks it
   * in failed/ past max_lost).
   *
   * @return false if the claim file was gone (someone else moved it; nothing was changed)
   */
  boolean handBack(TaskName.Claimed c, Path file, String reason) throws IOException {
    AttemptFinisher finisher = ctx.spool().finisher();
    Task task = null;
    try {
      task = ctx.spool().taskFiles().read(file, c.id());
    } catch (NoSuchFileException e) {
      return false;
    } catch (InvalidInputException e) {
      log.warn("predecessor_claim_unreadable claim={} reason={}", c.fileName(), e.getMessage());
    }
    long enqueued =
        task != null && task.createdAt() != null
            ? task.createdAt().toEpochMilli()
            : ctx.clock().millis();
    TaskName.Pending requeue =
        new TaskName.Pending(
            task != null ? task.priority() : Task.DEFAULT_PRIORITY,
            Math.min(enqueued, 9_999_999_999_999L),
            c.id(),
            c.attempt() + 1);
    Optional<AttemptResult> existing = finisher.readResult(c.id(), c.attempt());
    if (existing.isPresent()) {
      log.info(
          "claim_handback_has_result claim={} outcome={}",
          c.fileName(),
          existing.get().outcome().kind().code());
      finisher.apply(c, existing.get().outcome(), requeue);
      return true;
    }
    Instant now = ctx.clock().instant();
    AttemptResult lost = AttemptResult.lost(c, ctx.identity().host(), now, reason, reason);
    int maxLost = task != null ? task.maxLost() : Task.DEFAULT_MAX_LOST;
    TaskName target =
        lostAttempts(c.id(), c.attempt() - 1) + 1 > maxLost
            ? new TaskName.Parked(TaskState.FAILED, c.id(), c.attempt())
            : requeue;
    log.info(
        "claim_handed_back claim={} to={} reason={}",
        c.fileName(),
        target.state().dirName(),
        reason);
    finisher.finish(c, lost, target);
    return true;
  }

  private int lostAttempts(String id, int upTo) throws IOException {
    int n = 0;
    for (int a = 1; a <= upTo; a++) {
      Optional<AttemptResult> r = ctx.spool().finisher().readResult(id, a);
      if (r.isPresent() && r.get().outcome().kind() == Outcome.Kind.LOST) {
        n++;
      }
    }
    return n;
  }
}
