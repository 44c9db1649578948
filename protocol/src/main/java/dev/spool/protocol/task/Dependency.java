package dev.spool.protocol.task;

import com.fasterxml.jackson.annotation.JsonCreator;
import dev.spool.protocol.Require;

/**
 * One entry of {@code depends_on}. In JSON either an object {@code {"id": "a", "condition": "any"}}
 * or the short string form {@code "a"} / {@code "a:any"}.
 */
public record Dependency(String id, Condition condition) {
  public Dependency {
    Require.id(id, "id");
    condition = condition == null ? Condition.SUCCESS : condition;
  }

  @JsonCreator
  public static Dependency parse(String text) {
    int colon = text.indexOf(':');
    if (colon < 0) {
      return new Dependency(text, Condition.SUCCESS);
    }
    return new Dependency(text.substring(0, colon), Condition.parse(text.substring(colon + 1)));
  }
}
