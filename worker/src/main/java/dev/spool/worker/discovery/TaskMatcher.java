package dev.spool.worker.discovery;

import dev.spool.protocol.task.Task;
import dev.spool.worker.config.WorkerConfig;
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

  public TaskMatcher(WorkerConfig config) {
    this.capabilities = Set.copyOf(config.capabilities());
    this.types = Set.copyOf(config.types().keySet());
    this.allowArgv = config.allowArgv();
    this.quarantineRefusedArgv = config.quarantineRefusedArgv();
    this.workerId = config.workerId();
  }

  /** The verdict for {@code task}. */
  public Verdict verdict(Task task) {
    if (!capabilities.containsAll(task.requires())) {
      return Verdict.INELIGIBLE;
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
