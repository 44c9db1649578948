package dev.spool.protocol;

import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/** Checks used by the validating constructors of protocol records. Each names the field. */
public final class Require {
  /**
   * Ids of tasks and workers: a safe charset that can never be a path, a dot-file or contain the
   * name separator {@code ~}.
   */
  public static final Pattern ID = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,127}");

  /** Capability, type, lane and label-key names. */
  public static final Pattern NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._:/-]{0,63}");

  private Require() {}

  public static <T> T nonNull(T value, String field) {
    if (value == null) {
      throw new FieldException(field, "is required");
    }
    return value;
  }

  public static String id(String value, String field) {
    nonNull(value, field);
    if (!isId(value)) {
      throw new FieldException(
          field,
          "must be 1 to 128 characters of A-Z a-z 0-9 . _ - starting with a letter or digit (got "
              + quoteShort(value)
              + ")");
    }
    return value;
  }

  /**
   * {@link #ID} without the regex engine: ids are checked for every name built or parsed, which on
   * a busy worker is many times per task.
   */
  static boolean isId(String value) {
    int n = value.length();
    if (n < 1 || n > 128 || !alnum(value.charAt(0))) {
      return false;
    }
    for (int i = 1; i < n; i++) {
      char c = value.charAt(i);
      if (!alnum(c) && c != '.' && c != '_' && c != '-') {
        return false;
      }
    }
    return true;
  }

  private static boolean alnum(char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
  }

  public static String name(String value, String field) {
    nonNull(value, field);
    if (!NAME.matcher(value).matches()) {
      throw new FieldException(
          field,
          "must be 1 to 64 characters of A-Z a-z 0-9 . _ : / - starting with a letter or digit (got "
              + quoteShort(value)
              + ")");
    }
    return value;
  }

  public static int range(int value, int min, int max, String field) {
    if (value < min || value > max) {
      throw new FieldException(
          field, "must be between " + min + " and " + max + " (got " + value + ")");
    }
    return value;
  }

  public static long range(long value, long min, long max, String field) {
    if (value < min || value > max) {
      throw new FieldException(
          field, "must be between " + min + " and " + max + " (got " + value + ")");
    }
    return value;
  }

  /** A string that can be handed to exec or an environment: no NUL character. */
  public static String noNul(String value, String field) {
    nonNull(value, field);
    if (value.indexOf('\0') >= 0) {
      throw new FieldException(field, "must not contain a NUL character");
    }
    return value;
  }

  public static List<String> names(List<String> values, String field) {
    if (values == null) {
      return List.of();
    }
    for (int i = 0; i < values.size(); i++) {
      name(values.get(i), field + "[" + i + "]");
    }
    return List.copyOf(values);
  }

  public static Map<String, String> stringMap(Map<String, String> map, String field) {
    if (map == null) {
      return Map.of();
    }
    for (Map.Entry<String, String> e : map.entrySet()) {
      noNul(e.getKey(), field);
      nonNull(e.getValue(), field + "." + e.getKey());
      noNul(e.getValue(), field + "." + e.getKey());
    }
    return Map.copyOf(map);
  }

  /** A value shown in an error: short, printable, never the whole (possibly hostile) input. */
  public static String quoteShort(String value) {
    StringBuilder sb = new StringBuilder("\"");
    int limit = Math.min(value.length(), 40);
    for (int i = 0; i < limit; i++) {
      char c = value.charAt(i);
      if (c < 0x20 || c == 0x7f) {
        sb.append(String.format("\\u%04x", (int) c));
      } else {
        sb.append(c);
      }
    }
    if (value.length() > limit) {
      sb.append("...(").append(value.length()).append(" chars)");
    }
    return sb.append('"').toString();
  }
}
