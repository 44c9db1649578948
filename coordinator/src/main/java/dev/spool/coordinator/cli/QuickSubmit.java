package dev.spool.coordinator.cli;

import dev.spool.coordinator.submit.SubmitResult;
import dev.spool.coordinator.submit.Submitter;
import dev.spool.coordinator.submit.TaskIds;
import dev.spool.protocol.fs.AtomicFiles;
import dev.spool.protocol.fs.FileOps;
import dev.spool.protocol.spool.SpoolFormatException;
import dev.spool.protocol.spool.SpoolLayout;
import dev.spool.protocol.task.Dependency;
import dev.spool.protocol.task.Task;
import dev.spool.protocol.task.TaskBuilder;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;

/**
 * The fast path of the command scripts call in loops, {@code spool submit [--spool DIR] [options]
 * -- ARGV...}, which has to start in well under 150 ms. picocli builds its command model by
 * reflection on every start (its classes cannot go into the class-data archive) and costs such a
 * command most of its CPU; this path reads the common form by hand ({@link QuickSubmitArgs}),
 * builds the task as {@link SubmitCommand} does and publishes it with the same {@link Submitter}.
 *
 * <p>It handles the success path only. A form it does not read, and any invalid value (a bad
 * duration, an id in use, a task field the task refuses, a spool that does not open), makes it
 * return empty before anything is written, and the caller runs picocli's path, which prints its own
 * message and exit code; so errors, help and every other form behave exactly as before. A failure
 * while publishing is reported as picocli reports an exception from a command: the stack trace on
 * stderr and exit code 1. Tests compare both paths' task files, names, output and exit codes.
 */
public final class QuickSubmit {
  private QuickSubmit() {}

  /**
   * Submits the task {@code args} describe, if this path reads them.
   *
   * @param env the process environment ({@code SPOOL_DIR} when {@code --spool} is not given)
   * @return the exit code, or empty when the caller must run picocli's path (nothing was written)
   */
  public static OptionalInt run(
      String[] args, Clock clock, Map<String, String> env, PrintStream out, PrintStream err) {
    Optional<QuickSubmitArgs> parsed = QuickSubmitArgs.parse(args);
    if (parsed.isEmpty()) {
      return OptionalInt.empty();
    }
    QuickSubmitArgs a = parsed.get();
    String dir = a.single.getOrDefault("--spool", env.get("SPOOL_DIR"));
    if (dir == null || dir.isEmpty()) {
      return OptionalInt.empty();
    }
    Submitter submitter;
    Task task;
    try {
      SpoolLayout layout = SpoolLayout.open(Path.of(dir));
      // Not SpoolOptions.files: that class's picocli exceptions would load picocli.
      submitter = new Submitter(layout, new AtomicFiles(FileOps.real(), layout.tmp(), true), clock);
      Optional<Task> t = task(a, clock);
      String id = a.single.get("--id");
      if (t.isEmpty() || (id != null && submitter.exists(id))) {
        return OptionalInt.empty();
      }
      task = t.get();
    } catch (IOException | SpoolFormatException | RuntimeException e) {
      // Nothing is written yet: picocli's path meets the same problem and reports it its way.
      return OptionalInt.empty();
    }
    return OptionalInt.of(publish(submitter, task, out, err));
  }

  private static int publish(Submitter submitter, Task task, PrintStream out, PrintStream err) {
    SubmitResult r;
    try {
      r = submitter.submit(task);
    } catch (IOException | RuntimeException e) {
      e.printStackTrace(err);
      err.flush();
      return 1;
    }
    out.print(r.id() + "\n");
    out.flush();
    return 0;
  }

  /** The task as {@link SubmitCommand} builds it, or empty when a value is invalid. */
  private static Optional<Task> task(QuickSubmitArgs a, Clock clock) throws IOException {
    try {
      Map<String, String> s = a.single;
      String id = s.get("--id");
      TaskBuilder b =
          Task.builder(id != null ? id : TaskIds.forProcess(clock).next())
              .createdAt(clock.instant())
              .argv(a.argv);
      b.type(s.get("--type")).lane(s.get("--lane")).model(s.get("--model")).group(s.get("--group"));
      b.priority(integer(s.get("--priority"))).maxRetries(integer(s.get("--max-retries")));
      b.timeout(duration(s.get("--timeout"))).idleTimeout(duration(s.get("--idle-timeout")));
      b.queueTimeout(duration(s.get("--queue-timeout")));
      for (String after : a.lists.get("--after")) {
        b.dependsOn(Dependency.parse(after));
      }
      a.lists.get("--requires").forEach(b::requires);
      a.lists.get("--prefers").forEach(b::prefers);
      a.maps.get("--label").forEach(b::label);
      a.maps.get("--env").forEach(b::env);
      if (s.containsKey("--not-before")) {
        b.notBefore(notBefore(s.get("--not-before"), clock));
      }
      return Optional.of(b.build());
    } catch (RuntimeException e) {
      // FieldException, NumberFormatException, DateTimeParseException, a duration that is not one:
      // picocli's path reports each in its own words.
      return Optional.empty();
    }
  }

  /** As picocli converts an {@code Integer} option. */
  private static Integer integer(String text) {
    return text == null ? null : Integer.valueOf(text);
  }

  private static Duration duration(String text) {
    return text == null ? null : DurationText.parse(text).orElseThrow(NotADuration::new);
  }

  /** As {@link SubmitCommand}: {@code +DURATION} from now, or an ISO-8601 instant. */
  private static Instant notBefore(String text, Clock clock) throws DateTimeParseException {
    if (text.startsWith("+")) {
      return clock.instant().plus(duration(text.substring(1)));
    }
    return Instant.parse(text);
  }

  /** A duration option that names no duration; picocli's path reports it. */
  private static final class NotADuration extends RuntimeException {
    private static final long serialVersionUID = 1L;

    NotADuration() {
      super(null, null, false, false);
    }
  }
}
