package dev.spool.protocol;

/**
 * A record refused one of its fields. Thrown by the validating constructors of protocol records;
 * the codec turns it into an {@link InvalidInputException} that also names the file.
 */
public final class FieldException extends IllegalArgumentException {
  private static final long serialVersionUID = 1L;

  private final String field;

  public FieldException(String field, String reason) {
    super(field + ": " + reason);
    this.field = field;
  }

  /** The snake_case name of the field, as it appears in the JSON, e.g. {@code depends_on[2].id}. */
  public String field() {
    return field;
  }

  /** The reason without the field name. */
  public String reason() {
    String m = getMessage();
    return m.substring(field.length() + 2);
  }

  /** The same error with {@code prefix.} put before the field name (for nested records). */
  public FieldException within(String prefix) {
    FieldException e =
        new FieldException(prefix + (field.startsWith("[") ? "" : ".") + field, reason());
    e.setStackTrace(getStackTrace());
    return e;
  }
}
