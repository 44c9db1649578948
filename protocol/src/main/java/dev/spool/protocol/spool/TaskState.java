package dev.spool.protocol.spool;

/** A task's state is the directory its file sits in. */
public enum TaskState {
  PENDING("pending", false),
  SCHEDULED("scheduled", false),
  BLOCKED("blocked", false),
  HELD("held", false),
  CLAIMED("claimed", false),
  FAILED("failed", false),
  DONE("done", true),
  DEAD("dead", true),
  CANCELLED("cancelled", true);

  private final String dir;
  private final boolean terminal;

  TaskState(String dir, boolean terminal) {
    this.dir = dir;
    this.terminal = terminal;
  }

  /** The directory name under the spool root, also the state's code in JSON. */
  public String dirName() {
    return dir;
  }

  public boolean isTerminal() {
    return terminal;
  }

  @com.fasterxml.jackson.annotation.JsonValue
  public String code() {
    return dir;
  }

  /** The state for a code such as {@code pending}, or null. */
  @com.fasterxml.jackson.annotation.JsonCreator
  public static TaskState ofCode(String code) {
    for (TaskState s : values()) {
      if (s.dir.equals(code)) {
        return s;
      }
    }
    return null;
  }
}
