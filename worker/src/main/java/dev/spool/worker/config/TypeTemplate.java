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
 * @param fatalExitCodes exit codes that mean a retry cannot help (bad usage, a refused input): the
 *     attempt is classified {@code fatal} and the coordinator sends the task to dead/ at once
 */
public record TypeTemplate(List<String> argv, String stdin, java.util.Set<Integer> fatalExitCodes) {
  public TypeTemplate(List<String> argv, String stdin) {
    this(argv, stdin, null);
  }

  public TypeTemplate {
    fatalExitCodes =
        fatalExitCodes == null ? java.util.Set.of() : java.util.Set.copyOf(fatalExitCodes);
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
