package dev.spool.worker.discovery;

import dev.spool.protocol.task.Task;
import dev.spool.worker.config.WorkerConfig;
import dev.spool.worker.lane.LaneNeed;
import dev.spool.worker.lane.LaneRouter;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Optional;
import java.util.Set;

/**
 * Decides whether this worker may run a task. A task is eligible when the worker has every
 * capability in {@code requires} and either handles its {@code type} (a configured template) or the
 * task has raw {@code argv} and the worker allows raw argv.
 *
 * <p>The {@code prefers} rule: a preference only reorders work, it never idles a slot or delays a
 * task. Among eligible tasks of the same priority close to the head of the index, a worker takes
 * first one whose {@code prefers} it fully satisfies ({@link Verdict#ELIGIBLE}) before one it does
 * not ({@link Verdict#ELIGIBLE_NOT_PREFERRED}); when no such task is near, it takes the
 * not-preferred one at once. Stateless and thread-safe.
 */
public final class TaskMatcher {
  private final Set<String> capabilities;
  private final Set<String> types;
  private final boolean allowArgv;
  private final boolean quarantineRefusedArgv;
  private final String workerId;
  private final LaneRouter router;

  public TaskMatcher(WorkerConfig config) {
    this(config, null);
  }

  /**
   * A matcher that also routes: a task with a lane chain (routing file or explicit lane) is
   * eligible when {@code router} finds a lane of this worker for it.
   */
  public TaskMatcher(WorkerConfig config, LaneRouter router) {
    this.router = router;
    this.capabilities = Set.copyOf(config.capabilities());
    this.types = Set.copyOf(config.types().keySet());
    this.allowArgv = config.allowArgv();
    this.quarantineRefusedArgv = config.quarantineRefusedArgv();
    this.workerId = config.workerId();
  }

  /** The verdict for {@code task} as attempt 1. */
  public Verdict verdict(Task task) {
    try {
      return verdict(task, 1);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The verdict for {@code task} at {@code attempt} (routing looks at earlier attempts). */
  public Verdict verdict(Task task, int attempt) throws IOException {
    if (!capabilities.containsAll(task.requires())) {
      return Verdict.INELIGIBLE;
    }
    if (router != null && router.routed(task)) {
      Optional<LaneNeed> need = router.need(task, attempt);
      return need.isEmpty()
          ? Verdict.INELIGIBLE
          : Verdict.routed(capabilities.containsAll(task.prefers()), need.get());
    }
    boolean typed = task.type() != null && types.contains(task.type());
    if (!typed) {
      if (task.argv().isEmpty()) {
        return Verdict.INELIGIBLE; // a type some other worker handles
      }
      if (!allowArgv) {
        return quarantineRefusedArgv
            ? Verdict.quarantine(
                "raw argv tasks are refused by worker "
                    + workerId
                    + " (allow_argv is false)"
                    + (task.type() == null
                        ? ""
                        : " and it has no template for type " + task.type()))
            : Verdict.INELIGIBLE;
      }
    }
    return capabilities.containsAll(task.prefers())
        ? Verdict.ELIGIBLE
        : Verdict.ELIGIBLE_NOT_PREFERRED;
  }
}
