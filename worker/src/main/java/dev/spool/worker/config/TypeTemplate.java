package dev.spool.worker.config;

import java.util.List;
import java.util.Objects;

/**
 * How a worker runs tasks of one {@code type}: an argv template and an optional stdin template. A
 * placeholder ({@code {prompt}}, {@code {model}}, {@code {input.x}}, ...) always becomes exactly
 * one argv element, or part of one; it is never split into words and never seen by a shell.
 *
 * @param argv the command; element 0 is the program and holds no placeholder
 * @param stdin text written to the process's stdin, or null to pass the task's own stdin
 */
public record TypeTemplate(List<String> argv, String stdin) {
  public TypeTemplate {
    argv = List.copyOf(Objects.requireNonNull(argv, "argv"));
    if (argv.isEmpty() || argv.get(0).isEmpty()) {
      throw new IllegalArgumentException("argv must name a program");
    }
    if (argv.get(0).contains("{")) {
      throw new IllegalArgumentException(
          "argv[0] must be a fixed program, not a placeholder (got " + argv.get(0) + ")");
    }
  }
}
