package dev.spool.worker.exec;

import com.fasterxml.jackson.databind.JsonNode;
import dev.spool.protocol.task.Task;
import dev.spool.worker.config.TypeTemplate;
import java.util.ArrayList;
import java.util.List;

/**
 * Expands a {@link TypeTemplate} for one task. Each template element yields exactly one argv
 * element: a placeholder's value is inserted as literal text, so spaces, quotes, {@code ;}, {@code
 * $(...)} and globs in task data reach the program unchanged and are never interpreted (there is no
 * shell). Placeholders:
 *
 * <ul>
 *   <li>{@code {prompt}}: the task's {@code input.prompt}
 *   <li>{@code {model}}, {@code {lane}}, {@code {task_id}}, {@code {attempt}}
 *   <li>{@code {input.a.b}}: a field of {@code input}; strings as text, other JSON values as JSON
 * </ul>
 *
 * {@code {{} and {@code }}} write literal braces. A placeholder without a value is an error, never
 * an empty string, so a misconfigured type fails visibly. Stateless and thread-safe.
 */
public final class ArgvTemplate {
  private ArgvTemplate() {}

  /** The argv for {@code task}; element 0 is the template's program. */
  public static List<String> argv(TypeTemplate template, Task task, int attempt)
      throws TemplateException {
    List<String> out = new ArrayList<>(template.argv().size());
    for (String element : template.argv()) {
      out.add(expand(element, task, attempt));
    }
    return List.copyOf(out);
  }

  /** The stdin text for {@code task}, or null when the template sets none. */
  public static String stdin(TypeTemplate template, Task task, int attempt)
      throws TemplateException {
    return template.stdin() == null ? null : expand(template.stdin(), task, attempt);
  }

  static String expand(String element, Task task, int attempt) throws TemplateException {
    return expand(element, name -> value(name, task, attempt));
  }

  /** Resolves one placeholder name to its value; throws for a name without a value. */
  @FunctionalInterface
  public interface Resolver {
    String value(String name) throws TemplateException;
  }

  /**
   * Expands one template element with {@code resolver}; the grammar is the one above ({@code
   * {name}}, {@code {{}, {@code }}}).
   */
  public static String expand(String element, Resolver resolver) throws TemplateException {
    StringBuilder sb = new StringBuilder();
    int i = 0;
    while (i < element.length()) {
      char c = element.charAt(i);
      if (c == '{' && element.startsWith("{{", i)) {
        sb.append('{');
        i += 2;
      } else if (c == '}' && element.startsWith("}}", i)) {
        sb.append('}');
        i += 2;
      } else if (c == '{') {
        int end = element.indexOf('}', i);
        if (end < 0) {
          throw new TemplateException("template element '" + element + "' has an unclosed '{'");
        }
        sb.append(resolver.value(element.substring(i + 1, end)));
        i = end + 1;
      } else {
        sb.append(c);
        i++;
      }
    }
    return sb.toString();
  }

  private static String value(String name, Task task, int attempt) throws TemplateException {
    String v;
    switch (name) {
      case "prompt" -> v = inputField(task, "prompt");
      case "model" -> v = task.model();
      case "lane" -> v = task.lane();
      case "task_id" -> v = task.id();
      case "attempt" -> v = Integer.toString(attempt);
      default -> {
        if (!name.startsWith("input.") || name.length() == 6) {
          throw new TemplateException("unknown placeholder {" + name + "}");
        }
        v = inputField(task, name.substring(6));
      }
    }
    if (v == null) {
      throw new TemplateException(
          "task " + task.id() + " has no value for the placeholder {" + name + "}");
    }
    if (v.indexOf('\0') >= 0) {
      throw new TemplateException("the value of {" + name + "} contains a NUL character");
    }
    return v;
  }

  /** A field of the task's {@code input} by dotted path, as text; null when absent. */
  public static String inputField(Task task, String path) {
    JsonNode node = task.input();
    for (String part : path.split("\\.", -1)) {
      if (node == null || !node.isObject()) {
        return null;
      }
      node = node.get(part);
    }
    if (node == null || node.isNull() || node.isMissingNode()) {
      return null;
    }
    return node.isValueNode() ? node.asText() : node.toString();
  }

  /** A template cannot be expanded for a task; the attempt is a fatal launch failure. */
  public static final class TemplateException extends Exception {
    private static final long serialVersionUID = 1L;

    public TemplateException(String message) {
      super(message);
    }
  }
}
