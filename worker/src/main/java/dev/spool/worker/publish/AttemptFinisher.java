package dev.spool.worker.publish;

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
import dev.spool.worker.CrashPoints;
import java.io.IOException;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Finishes an attempt the way the protocol commits it: publish {@code results/ID~A.json} with
 * {@link AtomicFiles#publishIfAbsent} (the commit point: the first record decides the attempt),
 * then the fenced rename of the claim into done/, failed/, cancelled/ or back to pending/.
 *
 * <p>If the result name is taken (the coordinator declared the attempt lost first) the record is
 * kept under the stale name and the task is left alone. If the claim file is gone after publishing
 * (the coordinator applied our result or requeued the task), nothing more is changed. A crash
 * between the two steps leaves a claim with a result, which the coordinator (or this worker's
 * successor) applies. Thread-safe.
 */
public final class AttemptFinisher {
  private static final Logger log = LoggerFactory.getLogger(AttemptFinisher.class);

  /** How a finish went. */
  public enum Finish {
    /** The result was published and the claim moved to its next state. */
    MOVED,
    /** The result was published but the claim was already gone; nothing else changed. */
    CLAIM_GONE,
    /** The attempt was already decided by someone else; our record is kept as stale. */
    ATTEMPT_DECIDED
  }

  private final SpoolLayout layout;
  private final AtomicFiles files;
  private final TaskMoves moves;
  private final Clock clock;
  private final FinishLog finishes;
  private volatile DeferredDirSync deferred;

  public AttemptFinisher(SpoolLayout layout, AtomicFiles files, TaskMoves moves, Clock clock) {
    this(layout, files, moves, clock, new FinishLog());
  }

  /**
   * @param finishes told of every fenced finish this finisher performs (for the heartbeat)
   */
  public AttemptFinisher(
      SpoolLayout layout, AtomicFiles files, TaskMoves moves, Clock clock, FinishLog finishes) {
    this.layout = layout;
    this.files = files;
    this.moves = moves;
    this.clock = clock;
    this.finishes = finishes;
  }

  /**
   * Publishes {@code result} for {@code claim} and moves the claim.
   *
   * @param requeue the pending name used when the outcome hands the task back
   */
  public Finish finish(TaskName.Claimed claim, AttemptResult result, TaskName.Pending requeue)
      throws IOException {
    return finish(claim, result, target(claim, result.outcome(), requeue));
  }

  /** Publishes {@code result} for {@code claim} and moves the claim to {@code target}. */
  public Finish finish(TaskName.Claimed claim, AttemptResult result, TaskName target)
      throws IOException {
    Path path = layout.result(claim.id(), claim.attempt());
    if (!files.publishIfAbsent(path, SpoolJson.writePretty(result))) {
      Path stale =
          layout.staleResult(claim.id(), claim.attempt(), claim.worker(), claim.incarnation());
      files.replace(stale, SpoolJson.writePretty(result));
      log.warn(
          "result_stale task={} attempt={} kept={} consequence=the attempt was already decided"
              + " (declared lost); the task is left alone",
          claim.id(),
          claim.attempt(),
          layout.relative(stale));
      return Finish.ATTEMPT_DECIDED;
    }
    CrashPoints.reach(CrashPoints.AFTER_RESULT_PUBLISH);
    return move(claim, result.outcome(), target);
  }

  /**
   * Moves a claim whose attempt has the published outcome {@code outcome}, as its worker would.
   * Used after publishing, and for a predecessor's claim whose result exists.
   */
  public Finish apply(TaskName.Claimed claim, Outcome outcome, TaskName.Pending requeue)
      throws IOException {
    return move(claim, outcome, target(claim, outcome, requeue));
  }

  private Finish move(TaskName.Claimed claim, Outcome outcome, TaskName target) throws IOException {
    if (target.state() == TaskState.CANCELLED) {
      EndNote note =
          new EndNote(
              null,
              claim.id(),
              TaskState.CANCELLED,
              TerminalReason.CANCELLED,
              clock.instant(),
              claim.attempt(),
              null,
              "cancelled while running on worker " + claim.worker());
      files.replace(layout.endNote(claim.id()), SpoolJson.writePretty(note));
    }
    DeferredDirSync later = deferred;
    boolean moved =
        later == null
            ? moves.tryMove(claim, target, Actor.WORKER)
            : moves.tryMoveUnsynced(claim, target, Actor.WORKER);
    if (moved && later != null) {
      later.later(layout.dir(target.state()), layout.dir(TaskState.CLAIMED));
    }
    if (!moved) {
      log.warn(
          "claim_gone task={} attempt={} outcome={} consequence=the result stays published; the"
              + " task's state is not changed",
          claim.id(),
          claim.attempt(),
          outcome.kind().code());
      return Finish.CLAIM_GONE;
    }
    finishes.record(claim.id(), claim.attempt(), target.state());
    log.info(
        "task_finished task={} attempt={} outcome={} to={}",
        claim.id(),
        claim.attempt(),
        outcome.kind().code(),
        target.state().dirName());
    return Finish.MOVED;
  }

  /**
   * Makes every later finishing move leave its directory fsyncs to {@code sync} (the result record
   * is durable before the move; see {@link DeferredDirSync}). Without it a move fsyncs both
   * directories before it returns.
   */
  public void deferDirSyncs(DeferredDirSync sync) {
    this.deferred = sync;
  }

  /**
   * Where a claim goes for an outcome: succeeded to done/, cancelled to cancelled/, handed back or
   * lost to pending/ with the next attempt (not a failure), anything else to failed/ where the
   * coordinator decides retry or dead.
   */
  public static TaskName target(TaskName.Claimed claim, Outcome outcome, TaskName.Pending requeue) {
    switch (outcome.kind()) {
      case SUCCEEDED:
        return new TaskName.Terminal(TaskState.DONE, claim.id());
      case CANCELLED:
        return new TaskName.Terminal(TaskState.CANCELLED, claim.id());
      case HANDED_BACK:
      case LOST:
        return requeue;
      default:
        return new TaskName.Parked(TaskState.FAILED, claim.id(), claim.attempt());
    }
  }

  /** The published result of an attempt, if one exists and is readable. */
  public Optional<AttemptResult> readResult(String id, int attempt) throws IOException {
    Path path = layout.result(id, attempt);
    try {
      Optional<String> unsafe = SafeFiles.unsafeReason(path, SpoolJson.MAX_DOCUMENT_BYTES);
      if (unsafe.isPresent()) {
        throw new IOException(layout.relative(path) + " " + unsafe.get());
      }
      byte[] bytes = SafeFiles.readBounded(path, SpoolJson.MAX_DOCUMENT_BYTES);
      return Optional.of(SpoolJson.read(layout.relative(path), bytes, AttemptResult.class));
    } catch (NoSuchFileException e) {
      return Optional.empty();
    } catch (InvalidInputException e) {
      throw new IOException(e.getMessage(), e);
    }
  }
}
