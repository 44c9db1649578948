package dev.spool.coordinator.cli;

import dev.spool.protocol.spool.TaskName;

/** The human form of where a task is now. */
record TaskStateNames(String state) {
  static TaskStateNames of(TaskName name) {
    return new TaskStateNames(name.state().code());
  }
}
