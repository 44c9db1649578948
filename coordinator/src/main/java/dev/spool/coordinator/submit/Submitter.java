package dev.spool.coordinator.submit;

import dev.spool.protocol.fs.AtomicFiles;
import dev.spool.protocol.spool.SpoolLayout;
import dev.spool.protocol.spool.TaskMoves;
import dev.spool.protocol.spool.TaskName;
import dev.spool.protocol.spool.TaskState;
import dev.spool.protocol.task.Task;
import java.io.IOException;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Predicate;

/**
 * Puts new tasks into the spool: into blocked/ when they depend on others, scheduled/ when their
 * {@code not_before} is ahead, pending/ otherwise. An idempotency key is reserved fleet-wide
 * ({@link IdempotencyKeys}) before the task is published, so two concurrent submits of one key
 * create one task. A crash between the two leaves a reservation without its task; the next submit
 * with that key completes it under the reserved id instead of returning an id that does not exist.
 *
 * <p>Ids must be unique in the spool (PROTOCOL.md): callers check client-chosen ids with {@link
 * #exists} (or a batch-wide lookup) before submitting; generated ids are unique by construction.
 *
 * <p>Thread-safe.
 */
public final class Submitter {
  private final TaskMoves moves;
  private final TaskLocator locator;
  private final IdempotencyKeys keys;
  private final Clock clock;
  private final ParallelIo io;
  private final BatchPublisher batch;

  public Submitter(SpoolLayout layout, AtomicFiles files, Clock clock) {
    this.moves = new TaskMoves(layout, files);
    this.locator = new TaskLocator(layout);
    this.keys = new IdempotencyKeys(layout, files);
    this.clock = clock;
    this.io = new ParallelIo(ParallelIo.DEFAULT_THREADS);
    this.batch = new BatchPublisher(layout, files, io);
  }

  /**
   * Submits a batch of tasks that already have their ids and created_at, with the durability of
   * {@link #submit} for each but about one journal commit per few dozen tasks (see {@link
   * BatchPublisher} for the phases and what a crash leaves). Idempotency keys are reserved first,
   * all of them before any task is published; a task whose key names a task that exists comes back
   * as {@link SubmitResult.Existing}, one whose key names a task that does not (a crash in an
   * earlier run) is published under the reserved id. So rerunning a batch whose tasks carry keys
   * creates exactly the tasks missing.
   *
   * @param inSpool whether an id is in the spool now (one lookup for the whole batch)
   * @return one result per task, in order
   */
  public List<SubmitResult> submitAll(List<Task> tasks, Predicate<String> inSpool)
      throws IOException {
    SubmitResult[] results = new SubmitResult[tasks.size()];
    Task[] resolved = tasks.toArray(new Task[0]);
    Instant now = clock.instant();
    boolean keyed = false; // without a key the pass below would only wake the I/O threads
    for (Task t : resolved) {
      keyed |= t.idempotencyKey() != null;
    }
    io.forEach(
        keyed ? resolved.length : 0,
        i -> {
          Task t = resolved[i];
          if (t.idempotencyKey() == null) {
            return;
          }
          Optional<String> first = keys.reserve(t.idempotencyKey(), t.id(), now);
          if (first.isPresent() && inSpool.test(first.get())) {
            results[i] = new SubmitResult.Existing(first.get(), t.idempotencyKey());
          } else if (first.isPresent() && !first.get().equals(t.id())) {
            resolved[i] = t.toBuilder().id(first.get()).build();
          }
        });
    List<TaskName> names = new ArrayList<>();
    List<Task> publish = new ArrayList<>();
    for (int i = 0; i < resolved.length; i++) {
      if (results[i] == null) {
        TaskName name = entryName(resolved[i]);
        names.add(name);
        publish.add(resolved[i]);
        results[i] = new SubmitResult.Created(resolved[i].id(), name);
      }
    }
    batch.publishAll(names, publish);
    return List.of(results);
  }

  /**
   * Whether {@code task}'s id may be used for a new task: it is free, or the task carries an
   * idempotency key reserved for exactly this id (a rerun, which {@link #submitAll} reports as
   * existing).
   */
  public boolean idIsFree(Task task, Predicate<String> inSpool) throws IOException {
    if (!inSpool.test(task.id())) {
      return true;
    }
    return task.idempotencyKey() != null
        && keys.lookup(task.idempotencyKey()).filter(task.id()::equals).isPresent();
  }

  /** Submits one task that already has its id and created_at. */
  public SubmitResult submit(Task task) throws IOException {
    if (task.idempotencyKey() != null) {
      Optional<String> first = keys.reserve(task.idempotencyKey(), task.id(), clock.instant());
      if (first.isPresent()) {
        if (first.get().equals(task.id()) || locator.find(first.get()).isPresent()) {
          return new SubmitResult.Existing(first.get(), task.idempotencyKey());
        }
        task = task.toBuilder().id(first.get()).build();
      }
    }
    TaskName name = entryName(task);
    moves.publish(name, task);
    return new SubmitResult.Created(task.id(), name);
  }

  /** True when a task with this id is in any state directory (lists the live directories). */
  public boolean exists(String id) throws IOException {
    return locator.find(id).isPresent();
  }

  /** Where a new task enters the spool. */
  TaskName entryName(Task task) {
    long now = clock.millis();
    if (!task.dependsOn().isEmpty()) {
      return new TaskName.Parked(TaskState.BLOCKED, task.id(), 1);
    }
    if (task.notBefore() != null && task.notBefore().toEpochMilli() > now) {
      return new TaskName.Scheduled(task.notBefore().toEpochMilli(), task.priority(), task.id(), 1);
    }
    return new TaskName.Pending(task.priority(), now, task.id(), 1);
  }
}
