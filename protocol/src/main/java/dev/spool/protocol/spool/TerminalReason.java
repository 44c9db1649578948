package dev.spool.protocol.spool;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;

/** Stable codes that say why a task reached dead/, cancelled/ or done/. Never renamed. */
public enum TerminalReason {
  SUCCEEDED("succeeded"),
  TIMEOUT("timeout"),
  WORKER_DIED("worker_died"),
  DEPENDENCY_FAILED("dependency_failed"),
  MAX_RETRIES("max_retries"),
  MAX_LOST("max_lost"),
  FATAL("fatal"),
  CANCELLED("cancelled"),
  EXPIRED("expired"),
  /** No live worker advertised a lane (or type) that could run it for {@code unroutable_after}. */
  NO_LANE("no_lane");

  private final String code;

  TerminalReason(String code) {
    this.code = code;
  }

  @JsonValue
  public String code() {
    return code;
  }

  @JsonCreator
  public static TerminalReason parse(String code) {
    for (TerminalReason r : values()) {
      if (r.code.equals(code)) {
        return r;
      }
    }
    throw new IllegalArgumentException(
        "unknown terminal reason " + dev.spool.protocol.Require.quoteShort(code));
  }
}
