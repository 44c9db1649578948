package dev.spool.protocol;

import java.util.Optional;

/**
 * An input (a task file, a result, a request) that cannot be accepted. The message names the file
 * and, where one is to blame, the field, so an operator can fix it without reading code. The reason
 * never quotes the content of the file: a hostile file must not leak through an error message.
 */
public final class InvalidInputException extends Exception {
  private static final long serialVersionUID = 1L;

  private final String source;
  private final String field;
  private final String reason;

  public InvalidInputException(String source, String field, String reason) {
    super(format(source, field, reason));
    this.source = source;
    this.field = field;
    this.reason = reason;
  }

  public InvalidInputException(String source, String field, String reason, Throwable cause) {
    this(source, field, reason);
    initCause(cause);
  }

  private static String format(String source, String field, String reason) {
    StringBuilder sb = new StringBuilder();
    sb.append(source == null ? "<input>" : source);
    if (field != null) {
      sb.append(": field '").append(field).append('\'');
    }
    return sb.append(": ").append(reason).toString();
  }

  /** The file (or other input) that was refused. */
  public String source() {
    return source;
  }

  /** The field to blame, if one is. */
  public Optional<String> field() {
    return Optional.ofNullable(field);
  }

  /** The reason alone, without file and field. */
  public String reason() {
    return reason;
  }
}
