package dev.spool.coordinator.decision;

import dev.spool.protocol.spool.SpoolLayout;
import dev.spool.protocol.spool.TaskName;
import dev.spool.protocol.spool.TaskState;
import java.util.Optional;

/** Reads back the relative task paths a WAL record carries ({@code failed/t1~2.json}). */
final class SpoolNames {
  private SpoolNames() {}

  static Optional<TaskName> parse(SpoolLayout layout, String relative) {
    if (relative == null) {
      return Optional.empty();
    }
    int slash = relative.indexOf('/');
    if (slash < 0 || relative.indexOf('/', slash + 1) >= 0) {
      return Optional.empty();
    }
    TaskState state = TaskState.ofCode(relative.substring(0, slash));
    return state == null ? Optional.empty() : layout.parse(state, relative.substring(slash + 1));
  }
}
