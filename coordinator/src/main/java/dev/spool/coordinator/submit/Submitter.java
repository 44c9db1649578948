package dev.spool.coordinator.submit;

import dev.spool.protocol.fs.AtomicFiles;
import dev.spool.protocol.spool.SpoolLayout;
import dev.spool.protocol.spool.TaskMoves;
import dev.spool.protocol.spool.TaskName;
import dev.spool.protocol.spool.TaskState;
import dev.spool.protocol.task.Task;
import java.io.IOException;
import java.time.Clock;
import java.util.Optional;

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

  public Submitter(SpoolLayout layout, AtomicFiles files, Clock clock) {
    this.moves = new TaskMoves(layout, files);
    this.locator = new TaskLocator(layout);
    this.keys = new IdempotencyKeys(layout, files);
    this.clock = clock;
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
