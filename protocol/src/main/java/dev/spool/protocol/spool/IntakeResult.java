package dev.spool.protocol.spool;

import dev.spool.protocol.task.Task;
import java.nio.file.Path;
import java.util.Objects;

/**
 * What {@link PendingIntake#intake} did with one entry of {@code pending/}. Every entry ends in
 * exactly one of these; none is an error, since hostile and half-written entries are expected
 * input. Java 17 has no pattern switch: callers use {@code instanceof}.
 */
public sealed interface IntakeResult
    permits IntakeResult.Accepted,
        IntakeResult.Ignored,
        IntakeResult.Quarantined,
        IntakeResult.Vanished,
        IntakeResult.Unsettled,
        IntakeResult.Renamed {

  /**
   * A valid task under its grammar name; it stays where it is, ready to be claimed. The task was
   * read at intake time: a claimer reads it again after its rename.
   */
  record Accepted(TaskName.Pending name, Task task) implements IntakeResult {
    public Accepted {
      Objects.requireNonNull(name, "name");
      Objects.requireNonNull(task, "task");
    }
  }

  /** A dot-file: a write in progress that is not the intake's business. Left untouched. */
  record Ignored() implements IntakeResult {}

  /**
   * The entry could not be accepted and now sits at {@code where} in {@code quarantine/}, with
   * {@code where + ".reason"} beside it holding {@code reason}.
   */
  record Quarantined(Path where, String reason) implements IntakeResult {
    public Quarantined {
      Objects.requireNonNull(where, "where");
      Objects.requireNonNull(reason, "reason");
    }
  }

  /**
   * The entry disappeared while the intake looked at it: another worker claimed it, or another
   * party's intake renamed or quarantined it first. An expected race; nothing to do.
   */
  record Vanished() implements IntakeResult {}

  /**
   * A hand-dropped file (a name outside the grammar) that has not yet been seen unchanged for the
   * settle time, or that changed while it was read: it may still be being written. It was left
   * untouched; call again on a later scan.
   */
  record Unsettled() implements IntakeResult {}

  /**
   * A hand-dropped file held a valid task and was renamed to its grammar name {@code newName}: in
   * {@code pending/} (the next scan accepts it there), or, by the submit rules, in {@code blocked/}
   * when it has dependencies or {@code scheduled/} when its {@code not_before} is in the future.
   */
  record Renamed(TaskName newName) implements IntakeResult {
    public Renamed {
      Objects.requireNonNull(newName, "newName");
    }
  }
}
