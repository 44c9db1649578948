package dev.spool.coordinator.ops;

import dev.spool.protocol.spool.TaskName;

/** What an operator action did; every expected miss is a value here. */
public sealed interface ActionResult {
  /** The task was moved to {@code now}. */
  record Moved(TaskName now) implements ActionResult {}

  /** A request was left for the party that holds the task (a worker running it). */
  record Requested(String what) implements ActionResult {}

  /** No such task. */
  record NotFound(String id) implements ActionResult {}

  /** The task's state does not allow the action; {@code why} says what it is. */
  record Refused(String why) implements ActionResult {}
}
