package dev.spool.coordinator.ops;

import dev.spool.coordinator.submit.TaskLocator;
import dev.spool.protocol.InvalidInputException;
import dev.spool.protocol.control.ControlRequest;
import dev.spool.protocol.fs.AtomicFiles;
import dev.spool.protocol.json.SpoolJson;
import dev.spool.protocol.result.AttemptResult;
import dev.spool.protocol.result.EndNote;
import dev.spool.protocol.spool.Actor;
import dev.spool.protocol.spool.SpoolLayout;
import dev.spool.protocol.spool.TaskFiles;
import dev.spool.protocol.spool.TaskMoves;
import dev.spool.protocol.spool.TaskName;
import dev.spool.protocol.spool.TaskState;
import dev.spool.protocol.spool.TerminalReason;
import dev.spool.protocol.spool.Transitions;
import dev.spool.protocol.task.Task;
import java.io.IOException;
import java.nio.file.NoSuchFileException;
import java.time.Clock;
import java.util.Optional;

/**
 * What an operator does to one task: cancel, hold, release, retry. Each is one rename checked
 * against the transition table; when the task moves under the operator's feet (a worker claims it
 * meanwhile), the task is located again and the action retried a few times. Thread-safe.
 */
public final class OperatorActions {
  private static final int TRIES = 5;

  private final SpoolLayout layout;
  private final AtomicFiles files;
  private final TaskMoves moves;
  private final TaskLocator locator;
  private final Clock clock;
  private final String who;

  public OperatorActions(SpoolLayout layout, AtomicFiles files, Clock clock, String who) {
    this.layout = layout;
    this.files = files;
    this.moves = new TaskMoves(layout, files);
    this.locator = new TaskLocator(layout);
    this.clock = clock;
    this.who = who;
  }

  /**
   * Cancels a task. Waiting tasks move to cancelled/ with an end note; a running task gets a
   * control request that its worker executes (it stops the process tree and records the attempt as
   * cancelled).
   */
  public ActionResult cancel(String id, String reason) throws IOException {
    for (int i = 0; i < TRIES; i++) {
      Optional<TaskName> at = locator.find(id);
      if (at.isEmpty()) {
        return new ActionResult.NotFound(id);
      }
      TaskName from = at.get();
      if (from.state().isTerminal()) {
        return new ActionResult.Refused(id + " has already ended in " + from.state().code() + "/");
      }
      if (from.state() == TaskState.CLAIMED) {
        ControlRequest.Cancel req =
            new ControlRequest.Cancel(null, id, clock.instant(), who, reason);
        files.publishIfAbsent(layout.cancelRequest(id), SpoolJson.write(req));
        return new ActionResult.Requested("cancel requested from the worker running " + id);
      }
      writeEnd(id, from.attempt(), TaskState.CANCELLED, TerminalReason.CANCELLED, reason);
      TaskName to = new TaskName.Terminal(TaskState.CANCELLED, id);
      if (moves.tryMove(from, to, Actor.OPERATOR)) {
        return new ActionResult.Moved(to);
      }
    }
    return new ActionResult.Refused(id + " kept moving; try again");
  }

  /** Holds a waiting task in held/ until {@link #release}. */
  public ActionResult hold(String id) throws IOException {
    for (int i = 0; i < TRIES; i++) {
      Optional<TaskName> at = locator.find(id);
      if (at.isEmpty()) {
        return new ActionResult.NotFound(id);
      }
      TaskName from = at.get();
      if (!Transitions.isAllowed(from.state(), TaskState.HELD, Actor.OPERATOR)) {
        return new ActionResult.Refused(
            id
                + " is "
                + from.state().code()
                + "; only pending, scheduled or blocked tasks can be held");
      }
      TaskName to = new TaskName.Parked(TaskState.HELD, id, from.attempt());
      if (moves.tryMove(from, to, Actor.OPERATOR)) {
        return new ActionResult.Moved(to);
      }
    }
    return new ActionResult.Refused(id + " kept moving; try again");
  }

  /**
   * Releases a held task: to blocked/ if it has dependencies (the coordinator re-checks them), else
   * pending/ or scheduled/.
   */
  public ActionResult release(String id) throws IOException {
    Optional<TaskName> at = locator.find(id);
    if (at.isEmpty()) {
      return new ActionResult.NotFound(id);
    }
    TaskName from = at.get();
    if (from.state() != TaskState.HELD) {
      return new ActionResult.Refused(id + " is " + from.state().code() + ", not held");
    }
    Task task = read(from);
    TaskName to = entry(task, from.attempt());
    return moves.tryMove(from, to, Actor.OPERATOR)
        ? new ActionResult.Moved(to)
        : new ActionResult.Refused(id + " moved meanwhile");
  }

  /**
   * Brings a dead, cancelled or failed task back to pending/ with fresh attempts. Attempt numbers
   * keep growing; the end note stays in place and records how many attempts the earlier life used,
   * and the coordinator counts failures only after them.
   */
  public ActionResult retry(String id) throws IOException {
    Optional<TaskName> at = locator.find(id);
    if (at.isEmpty()) {
      return new ActionResult.NotFound(id);
    }
    TaskName from = at.get();
    if (!Transitions.isAllowed(from.state(), TaskState.PENDING, Actor.OPERATOR)
        || from.state() == TaskState.HELD) {
      return new ActionResult.Refused(
          id
              + " is "
              + from.state().code()
              + "; only dead, cancelled or failed tasks can be retried");
    }
    Task task = read(from);
    int next = locator.lastAttempt(id) + 1;
    TaskName to = new TaskName.Pending(task.priority(), clock.millis(), id, next);
    return moves.tryMove(from, to, Actor.OPERATOR)
        ? new ActionResult.Moved(to)
        : new ActionResult.Refused(id + " moved meanwhile");
  }

  /**
   * Operator recovery of a worker's claims (every incarnation of {@code worker}): each attempt is
   * first decided as lost by publishing its result record (the fence: if the worker published its
   * own result first, that result stands and the claim is left for the coordinator to apply), then
   * the claim is renamed back to pending/ with the next attempt. No WAL is needed: each claim is
   * settled by one link and one rename, both idempotent.
   *
   * @return one result per claim of the worker
   */
  public java.util.List<ActionResult> requeueWorker(String worker) throws IOException {
    java.util.List<ActionResult> out = new java.util.ArrayList<>();
    java.util.List<TaskName.Claimed> claims = new java.util.ArrayList<>();
    try (java.nio.file.DirectoryStream<java.nio.file.Path> dir =
        java.nio.file.Files.newDirectoryStream(layout.dir(TaskState.CLAIMED))) {
      for (java.nio.file.Path p : dir) {
        layout
            .parse(TaskState.CLAIMED, p.getFileName().toString())
            .map(TaskName.Claimed.class::cast)
            .filter(c -> c.worker().equals(worker))
            .ifPresent(claims::add);
      }
    }
    for (TaskName.Claimed c : claims) {
      out.add(requeueClaim(c));
    }
    return out;
  }

  private ActionResult requeueClaim(TaskName.Claimed c) throws IOException {
    Task task;
    try {
      task = read(c);
    } catch (IOException e) {
      return new ActionResult.Refused(c.id() + ": " + e.getMessage());
    }
    java.time.Instant now = clock.instant();
    AttemptResult lost = AttemptResult.lost(c, null, now, "requeued by " + who, null);
    if (!files.publishIfAbsent(layout.result(c.id(), c.attempt()), SpoolJson.write(lost))) {
      return new ActionResult.Refused(
          c.id()
              + ": its worker published a result for attempt "
              + c.attempt()
              + "; the coordinator applies it");
    }
    TaskName to = new TaskName.Pending(task.priority(), clock.millis(), c.id(), c.attempt() + 1);
    return moves.tryMove(c, to, Actor.OPERATOR)
        ? new ActionResult.Moved(to)
        : new ActionResult.Refused(c.id() + " moved meanwhile");
  }

  /**
   * Asks a worker to stop claiming (it finishes what it runs): publishes {@code
   * control/drain~WORKER.json} unless one is already there.
   */
  public ActionResult drain(String worker) throws IOException {
    ControlRequest.Drain req = new ControlRequest.Drain(null, worker, clock.instant(), who);
    boolean created = files.publishIfAbsent(layout.drainRequest(worker), SpoolJson.write(req));
    return new ActionResult.Requested(
        worker + (created ? ": drain requested" : ": drain already requested"));
  }

  private TaskName entry(Task task, int attempt) {
    if (!task.dependsOn().isEmpty()) {
      return new TaskName.Parked(TaskState.BLOCKED, task.id(), attempt);
    }
    long now = clock.millis();
    if (task.notBefore() != null && task.notBefore().toEpochMilli() > now) {
      return new TaskName.Scheduled(
          task.notBefore().toEpochMilli(), task.priority(), task.id(), attempt);
    }
    return new TaskName.Pending(task.priority(), now, task.id(), attempt);
  }

  private Task read(TaskName name) throws IOException {
    try {
      return new TaskFiles(layout).read(layout.path(name), name.id());
    } catch (InvalidInputException e) {
      throw new IOException(e.getMessage(), e);
    } catch (NoSuchFileException e) {
      throw new IOException(name.id() + " moved while being read; try again", e);
    }
  }

  private void writeEnd(
      String id, int attempt, TaskState state, TerminalReason reason, String message)
      throws IOException {
    EndNote note =
        new EndNote(
            null,
            id,
            state,
            reason,
            clock.instant(),
            Math.max(0, attempt - 1),
            null,
            message == null ? "by " + who : message + " (by " + who + ")");
    files.replace(layout.endNote(id), SpoolJson.write(note));
  }
}
