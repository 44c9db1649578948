package dev.spool.protocol.task;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;
import dev.spool.protocol.FieldException;

/** When a dependency counts as met. */
public enum Condition {
  /** The dependency ended in done/ (the default). */
  SUCCESS("success"),
  /** The dependency reached any terminal state. */
  ANY("any"),
  /** The dependency ended in dead/ or cancelled/ (a cleanup or alert task). */
  FAILURE("failure");

  private final String code;

  Condition(String code) {
    this.code = code;
  }

  @JsonValue
  public String code() {
    return code;
  }

  /** Accepts the codes and the CLI's short forms {@code ok} and {@code failed}. */
  @JsonCreator
  public static Condition parse(String text) {
    switch (text) {
      case "success":
      case "ok":
        return SUCCESS;
      case "any":
        return ANY;
      case "failure":
      case "failed":
        return FAILURE;
      default:
        throw new FieldException(
            "condition",
            "must be success, any or failure (got "
                + dev.spool.protocol.Require.quoteShort(text)
                + ")");
    }
  }
}
