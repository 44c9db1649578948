package dev.spool.coordinator.cli;

import dev.spool.coordinator.view.TaskView;
import dev.spool.protocol.json.SpoolJson;
import dev.spool.protocol.result.AttemptResult;
import dev.spool.protocol.result.Outcome;
import dev.spool.protocol.spool.SpoolLayout;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** {@code spool show ID}: the task, its state, every attempt and the tail of its output. */
@Command(name = "show", description = "Show a task, every attempt, and the tail of its output.")
final class ShowCommand implements Callable<Integer> {
  static final int TAIL_BYTES = 2048;

  @CommandLine.Spec CommandLine.Model.CommandSpec spec;
  @CommandLine.Mixin SpoolOptions options;

  @CommandLine.Parameters(index = "0", paramLabel = "ID")
  String id;

  @Override
  public Integer call() throws IOException {
    SpoolLayout layout = options.open(spec);
    Optional<TaskView> view = TaskView.read(layout, id);
    PrintWriter out = spec.commandLine().getOut();
    if (view.isEmpty()) {
      spec.commandLine().getErr().println("spool show: no task " + id);
      return 1;
    }
    Map<String, Object> json = toJson(layout, view.get());
    if (options.json) {
      out.println(new String(SpoolJson.writeOutput(json), StandardCharsets.UTF_8));
    } else {
      printText(out, view.get(), json);
    }
    out.flush();
    return 0;
  }

  static Map<String, Object> toJson(SpoolLayout layout, TaskView v) throws IOException {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("id", v.task().id());
    m.put("state", v.name().state().code());
    m.put("task", v.task());
    List<Object> attempts = new ArrayList<>();
    for (AttemptResult r : v.attempts()) {
      attempts.add(attemptJson(layout, r));
    }
    m.put("attempts", attempts);
    if (v.end() != null) {
      m.put("end", v.end());
    }
    if (v.name().state() == dev.spool.protocol.spool.TaskState.PENDING) {
      UnroutableNotes.of(layout, v.task().id()).ifPresent(u -> m.put("unroutable", u));
    }
    return m;
  }

  static Map<String, Object> attemptJson(SpoolLayout layout, AttemptResult r) throws IOException {
    Map<String, Object> a = new LinkedHashMap<>();
    a.put("attempt", r.attempt());
    a.put("worker", r.worker());
    a.put("host", r.host());
    a.put("outcome", r.outcome().kind().code());
    a.put(
        "exit_code",
        r.outcome() instanceof Outcome.Failed
            ? ((Outcome.Failed) r.outcome()).exitCode()
            : (r.outcome() instanceof Outcome.Succeeded ? Integer.valueOf(0) : null));
    a.put("classification", r.classification());
    a.put("started_at", r.startedAt());
    a.put("finished_at", r.finishedAt());
    a.put("duration_seconds", r.duration() == null ? null : r.duration().toMillis() / 1000.0);
    a.put(
        "stdout_tail",
        TaskView.tail(layout, r.stdout() == null ? null : r.stdout().path(), TAIL_BYTES));
    a.put(
        "stderr_tail",
        TaskView.tail(layout, r.stderr() == null ? null : r.stderr().path(), TAIL_BYTES));
    a.put("message", r.message());
    return a;
  }

  private static void printText(PrintWriter out, TaskView v, Map<String, Object> json) {
    out.printf(
        "task %s  state %s  priority %d%n",
        v.task().id(), v.name().state().code(), v.task().priority());
    if (!v.task().argv().isEmpty()) {
      out.println("argv: " + String.join(" ", v.task().argv()));
    }
    if (v.task().type() != null) {
      out.println("type: " + v.task().type());
    }
    @SuppressWarnings("unchecked")
    List<Map<String, Object>> attempts = (List<Map<String, Object>>) json.get("attempts");
    for (Map<String, Object> a : attempts) {
      out.printf(
          "attempt %s on %s: %s exit=%s %ss%n",
          a.get("attempt"),
          a.get("worker"),
          a.get("outcome"),
          a.get("exit_code"),
          a.get("duration_seconds"));
      String tail = String.valueOf(a.get("stdout_tail"));
      if (!tail.isEmpty()) {
        out.println("  stdout: " + tail.strip().replace("\n", "\n          "));
      }
    }
    @SuppressWarnings("unchecked")
    Map<String, Object> unroutable = (Map<String, Object>) json.get("unroutable");
    if (unroutable != null) {
      out.println(
          "waiting: no live worker offers "
              + unroutable.get("needs")
              + " (since "
              + unroutable.get("since")
              + "); goes to dead/ (no_lane) at "
              + unroutable.get("dead_at"));
    }
    if (v.end() != null) {
      out.println(
          "ended: "
              + v.end().state().code()
              + " ("
              + v.end().reason().code()
              + ")"
              + (v.end().message() == null ? "" : ": " + v.end().message()));
    }
  }
}
