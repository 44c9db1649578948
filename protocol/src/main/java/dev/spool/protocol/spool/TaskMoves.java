package dev.spool.protocol.spool;

import dev.spool.protocol.fs.AtomicFiles;
import dev.spool.protocol.fs.FileOps;
import dev.spool.protocol.json.TaskJson;
import dev.spool.protocol.task.Task;
import java.io.IOException;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Optional;

/**
 * The renames that change a task's state: publish, claim, fenced finish, fenced requeue. Each is
 * one rename checked against {@link Transitions}; a source that vanished is an expected race and
 * comes back as a value, never as an exception. Thread-safe.
 */
public final class TaskMoves {
  private final SpoolLayout layout;
  private final AtomicFiles files;
  private final FileOps ops;

  public TaskMoves(SpoolLayout layout, AtomicFiles files) {
    this.layout = layout;
    this.files = files;
    this.ops = files.ops();
  }

  public SpoolLayout layout() {
    return layout;
  }

  /**
   * Publishes a new task into pending/, scheduled/, blocked/ or held/ (write in tmp/, fsync,
   * rename, fsync the directory). The name carries the id, enqueue or due time and attempt, so it
   * is unique as long as ids are.
   */
  public Path publish(TaskName target, Task task) throws IOException {
    if (target.state() == TaskState.CLAIMED
        || target.state().isTerminal()
        || target.state() == TaskState.FAILED) {
      throw new IllegalArgumentException(
          "a new task cannot be published into " + target.state().dirName() + "/");
    }
    Path path = layout.path(target);
    files.replace(path, TaskJson.write(task));
    return path;
  }

  /**
   * Claims a pending task for {@code worker}: one rename into claimed/ under a name unique to this
   * worker incarnation and attempt.
   *
   * @return the claim, or empty if another worker won the race
   */
  public Optional<TaskName.Claimed> tryClaim(
      TaskName.Pending pending, String worker, long incarnation) throws IOException {
    TaskName.Claimed claim =
        new TaskName.Claimed(pending.id(), pending.attempt(), worker, incarnation);
    return tryMove(pending, claim, Actor.WORKER) ? Optional.of(claim) : Optional.empty();
  }

  /**
   * {@link #tryClaim} without the directory fsyncs, for a claimer that makes the claim durable
   * later on another thread: the caller MUST call {@link #syncClaim} before it acts on the claim
   * (starts the task), so a crash before that loses at most a claim nothing has used yet (on power
   * loss the task is found in pending/ again, or in both directories; see PROTOCOL.md section 9).
   */
  public Optional<TaskName.Claimed> tryClaimUnsynced(
      TaskName.Pending pending, String worker, long incarnation) throws IOException {
    TaskName.Claimed claim =
        new TaskName.Claimed(pending.id(), pending.attempt(), worker, incarnation);
    return rename(pending, claim, Actor.WORKER) ? Optional.of(claim) : Optional.empty();
  }

  /** Makes claims done with {@link #tryClaimUnsynced} durable: fsyncs claimed/, then pending/. */
  public void syncClaim() throws IOException {
    files.syncDir(layout.dir(TaskState.CLAIMED));
    files.syncDir(layout.dir(TaskState.PENDING));
  }

  /**
   * Moves a task file from {@code from} to {@code to} with one rename. For a claim this is the
   * fenced finish or requeue: it succeeds only while the claim file exists.
   *
   * <p>Over NFS a retransmitted rename can report ENOENT after it succeeded; so when the source is
   * missing, the move counts as done if the target exists and the source does not. A move that
   * returns true is durable: the target's directory and then the source's are fsynced.
   *
   * @return true if the task is now at {@code to}; false if the source was gone (another party
   *     moved it first: a lost claim race, or a requeued claim)
   * @throws IllegalStateException if the transition table forbids the move
   */
  public boolean tryMove(TaskName from, TaskName to, Actor actor) throws IOException {
    if (!rename(from, to, actor)) {
      return false;
    }
    // Both directories: POSIX makes the new name durable by syncing the target's directory and
    // the removal of the old one by syncing the source's; a crash after the first fsync alone
    // could bring the task back in both states, which recovery does not resolve by itself. On
    // ext4 and XFS one journal commit covers this rename, but a directory that other moves keep
    // changing often makes the second fsync wait for one more commit (PROTOCOL.md section 9).
    Path targetDir = layout.path(to).getParent();
    Path sourceDir = layout.path(from).getParent();
    files.syncDir(targetDir);
    if (!sourceDir.equals(targetDir)) {
      files.syncDir(sourceDir);
    }
    return true;
  }

  /**
   * {@link #tryMove} without the directory fsyncs, for a move the caller makes durable later (a
   * worker's finishing move, whose result record is already durable: PROTOCOL.md section 9). The
   * caller MUST fsync the target's and the source's directories afterwards.
   *
   * @return true if the task is now at {@code to}; false if the source was gone
   */
  public boolean tryMoveUnsynced(TaskName from, TaskName to, Actor actor) throws IOException {
    return rename(from, to, actor);
  }

  /** The rename of a move with the NFS lost-reply check; false when the source was gone. */
  private boolean rename(TaskName from, TaskName to, Actor actor) throws IOException {
    Transitions.check(from.state(), to.state(), actor);
    if (!from.id().equals(to.id())) {
      throw new IllegalArgumentException(
          "a move keeps the task id: " + from.id() + " -> " + to.id());
    }
    Path source = layout.path(from);
    Path target = layout.path(to);
    try {
      ops.rename(source, target);
    } catch (NoSuchFileException e) {
      return ops.exists(target) && !ops.exists(source);
    }
    return true;
  }
}
