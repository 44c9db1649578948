package dev.spool.coordinator.dashboard;

import dev.spool.coordinator.view.TaskView;
import dev.spool.protocol.result.AttemptResult;
import dev.spool.protocol.result.Outcome;
import dev.spool.protocol.result.OutputCapture;
import dev.spool.protocol.spool.SpoolLayout;
import dev.spool.protocol.spool.TaskName;
import dev.spool.protocol.spool.TaskState;
import dev.spool.protocol.task.Dependency;
import dev.spool.protocol.task.Task;
import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * One task: its fields, every attempt (worker, outcome, classification, duration, exit code, usage)
 * with the tail of its output and links to the whole logs, its dependencies with their states, its
 * end note, the coordinator's decisions about it (from the write-ahead log), and the actions its
 * state allows.
 */
final class TaskPage {
  static final int TAIL_BYTES = 4096;

  private TaskPage() {}

  /** Finds the task through the index (no listing), falling back to a lookup by id. */
  static Optional<TaskView> find(SpoolObserver o, String id) throws IOException {
    SpoolLayout layout = o.layout();
    Optional<TaskIndex.Info> info = o.index().get(id);
    if (info.isPresent()) {
      TaskState s = info.get().state;
      String key = info.get().key;
      if (s != null && key != null) {
        Optional<TaskName> name = layout.parse(s, s.isTerminal() ? key + ".json" : key);
        if (name.isPresent()) {
          Optional<TaskView> v = TaskView.readAt(layout, name.get());
          if (v.isPresent()) {
            return v;
          }
        }
      }
    }
    return TaskView.read(layout, id);
  }

  static String render(SpoolObserver o, TaskView v, String csrf, boolean canAct, boolean actionsOn)
      throws IOException {
    Task t = v.task();
    TaskState state = v.name().state();
    Html h = new Html().open(t.id(), csrf);
    h.raw("<h1>Task <span class=\"id\">").text(t.id()).raw("</span></h1>");
    h.raw("<p>State: <span id=\"task-state\" data-id=\"").text(t.id()).raw("\" class=\"state-");
    h.raw(state.code()).raw("\">").raw(state.code()).raw("</span>");
    h.raw(" <span id=\"task-live\" class=\"note\"></span></p>");
    actions(h, t.id(), state, csrf, canAct, actionsOn);
    h.raw("<table class=\"fields\">");
    row(h, "type", t.type());
    row(h, "lane", t.lane());
    row(h, "model", t.model());
    row(h, "priority", t.priority());
    row(h, "argv", t.argv().isEmpty() ? null : String.join(" ", t.argv()));
    row(h, "created", seconds(t.createdAt()));
    row(h, "timeout", t.timeout() == null ? null : t.timeout().toSeconds() + "s");
    row(h, "max retries", t.maxRetries());
    row(h, "labels", t.labels().isEmpty() ? null : TaskListPage.labels(t.labels()));
    row(h, "group", t.group());
    h.raw("</table>");
    dependencies(h, o, t);
    attempts(h, o.layout(), v);
    running(h, o.layout(), v);
    history(h, o.history().of(t.id()));
    if (v.end() != null) {
      h.raw("<h2>End</h2><p class=\"end\">").text(v.end().state().code()).raw(" (");
      h.text(v.end().reason().code()).raw(")");
      if (v.end().message() != null) {
        h.raw(": ").text(v.end().message());
      }
      h.raw(" at ").text(seconds(v.end().at())).raw("</p>");
    }
    return h.close().toString();
  }

  /** The coordinator's decisions about the task, from its write-ahead log, oldest first. */
  private static void history(Html h, TaskHistory.View v) {
    h.raw("<h2>History</h2>");
    if (v.entries().isEmpty()) {
      h.raw("<p class=\"note\" id=\"history-none\">The coordinator's write-ahead log holds no ");
      h.raw("decision about this task (a task that ran once without retries needs none, and ");
      h.raw("compaction forgets finished tasks).</p>");
      return;
    }
    if (v.hidden() > 0) {
      h.raw("<p class=\"note\" id=\"history-cut\">Showing the last ").text(v.entries().size());
      h.raw(" of ").text(v.total()).raw(" decisions; ").text(v.hidden());
      h.raw(" earlier ones are not shown.</p>");
    }
    h.raw("<table class=\"history\"><thead><tr><th>seq</th><th>at</th><th>decision</th>");
    h.raw("<th>attempt</th><th>from</th><th>to</th><th>due</th><th>reason</th></tr></thead>");
    h.raw("<tbody id=\"history\">");
    for (TaskHistory.Entry e : v.entries()) {
      h.raw("<tr class=\"decision\"><td>").text(e.seq()).raw("</td><td>").text(seconds(e.at()));
      h.raw("</td><td>").text(e.op()).raw("</td><td>").text(e.attempt()).raw("</td><td>");
      h.text(e.from()).raw("</td><td>").text(e.to()).raw("</td><td>").text(seconds(e.dueAt()));
      h.raw("</td><td class=\"reason\">").text(e.reason()).raw("</td></tr>");
    }
    h.raw("</tbody></table>");
  }

  private static void row(Html h, String name, Object value) {
    if (value != null) {
      h.raw("<tr><th>").raw(name).raw("</th><td>").text(value).raw("</td></tr>");
    }
  }

  private static void dependencies(Html h, SpoolObserver o, Task t) {
    if (t.dependsOn().isEmpty()) {
      return;
    }
    h.raw("<h2>Dependencies</h2><ul class=\"deps\">");
    for (Dependency d : t.dependsOn()) {
      TaskState s = o.index().get(d.id()).map(i -> i.state).orElse(null);
      h.raw("<li><a href=\"/task?id=").text(Html.url(d.id())).raw("\">").text(d.id());
      h.raw("</a> (").text(d.condition().code()).raw(") ");
      h.raw(s == null ? "not found" : s.code()).raw("</li>");
    }
    h.raw("</ul>");
  }

  private static void attempts(Html h, SpoolLayout layout, TaskView v) throws IOException {
    h.raw("<h2>Attempts</h2>");
    if (v.attempts().isEmpty()) {
      h.raw("<p>No attempt has ended yet.</p>");
      return;
    }
    h.raw("<table class=\"attempts\"><thead><tr><th>#</th><th>worker</th><th>host</th>");
    h.raw("<th>outcome</th><th>classification</th><th>exit</th><th>duration</th>");
    h.raw("<th>started</th><th>usage</th><th>message</th></tr></thead><tbody>");
    for (AttemptResult r : v.attempts()) {
      h.raw("<tr class=\"attempt\"><td>").text(r.attempt()).raw("</td><td>").text(r.worker());
      h.raw("</td><td>").text(r.host()).raw("</td><td class=\"outcome-");
      h.raw(r.outcome().kind().code()).raw("\">").raw(r.outcome().kind().code());
      h.raw("</td><td>").text(r.classification()).raw("</td><td>").text(exitCode(r.outcome()));
      h.raw("</td><td>");
      h.text(r.duration() == null ? null : String.format("%.1fs", r.duration().toMillis() / 1e3));
      h.raw("</td><td>")
          .text(seconds(r.startedAt()))
          .raw("</td><td>")
          .text(usage(r))
          .raw("</td><td>");
      h.text(r.message()).raw("</td></tr>");
    }
    h.raw("</tbody></table>");
    for (AttemptResult r : v.attempts()) {
      output(h, layout, v.task().id(), r.attempt(), "out", r.stdout());
      output(h, layout, v.task().id(), r.attempt(), "err", r.stderr());
    }
  }

  /** The live output of a claimed task: its log exists before its result. */
  private static void running(Html h, SpoolLayout layout, TaskView v) throws IOException {
    if (v.name().state() != TaskState.CLAIMED) {
      return;
    }
    int a = v.name().attempt();
    String id = v.task().id();
    output(
        h,
        layout,
        id,
        a,
        "out",
        new OutputCapture(layout.relative(layout.stdoutLog(id, a)), 0L, false));
    output(
        h,
        layout,
        id,
        a,
        "err",
        new OutputCapture(layout.relative(layout.stderrLog(id, a)), 0L, false));
  }

  private static void output(
      Html h, SpoolLayout layout, String id, int attempt, String stream, OutputCapture c)
      throws IOException {
    if (c == null) {
      return;
    }
    String tail = TaskView.tail(layout, c.path(), TAIL_BYTES);
    if (tail.isEmpty()) {
      return;
    }
    h.raw("<h3>Attempt ").text(attempt).raw(stream.equals("out") ? " stdout" : " stderr");
    h.raw(" <a href=\"/log?id=").text(Html.url(id)).raw("&amp;attempt=").text(attempt);
    h.raw("&amp;stream=").raw(stream).raw("\">whole log</a></h3><pre class=\"output\">");
    h.text(tail).raw("</pre>");
  }

  /** An instant to the second, as humans read it (the JSON keeps the full precision). */
  private static String seconds(java.time.Instant t) {
    return t == null ? null : t.truncatedTo(java.time.temporal.ChronoUnit.SECONDS).toString();
  }

  private static Object exitCode(Outcome o) {
    if (o instanceof Outcome.Succeeded) {
      return 0;
    }
    if (o instanceof Outcome.Failed) {
      Outcome.Failed f = (Outcome.Failed) o;
      return f.exitCode() != null ? f.exitCode() : "signal " + f.signal();
    }
    return null;
  }

  private static String usage(AttemptResult r) {
    if (r.usage() == null) {
      return null;
    }
    StringBuilder sb = new StringBuilder();
    if (r.usage().model() != null) {
      sb.append(r.usage().model()).append(' ');
    }
    if (r.usage().inputTokens() != null) {
      sb.append(r.usage().inputTokens()).append(" in ");
    }
    if (r.usage().outputTokens() != null) {
      sb.append(r.usage().outputTokens()).append(" out ");
    }
    if (r.usage().costUsd() != null) {
      sb.append(String.format("$%.4f", r.usage().costUsd()));
    }
    return sb.toString().strip();
  }

  private static void actions(
      Html h, String id, TaskState state, String csrf, boolean canAct, boolean actionsOn) {
    if (!actionsOn) {
      return;
    }
    if (!canAct) {
      h.raw("<p class=\"note\"><a href=\"/login\">Log in</a> to cancel, hold, release or retry.");
      h.raw("</p>");
      return;
    }
    h.raw("<div class=\"actions\">");
    if (!state.isTerminal()) {
      button(h, id, csrf, "cancel");
    }
    if (state == TaskState.PENDING || state == TaskState.SCHEDULED || state == TaskState.BLOCKED) {
      button(h, id, csrf, "hold");
    }
    if (state == TaskState.HELD) {
      button(h, id, csrf, "release");
    }
    if (state == TaskState.DEAD || state == TaskState.CANCELLED || state == TaskState.FAILED) {
      button(h, id, csrf, "retry");
    }
    h.raw("</div>");
  }

  private static void button(Html h, String id, String csrf, String action) {
    h.raw("<form method=\"post\" action=\"/action\"><input type=\"hidden\" name=\"csrf\" value=\"");
    h.text(csrf).raw("\"><input type=\"hidden\" name=\"action\" value=\"").raw(action);
    h.raw("\"><input type=\"hidden\" name=\"id\" value=\"").text(id).raw("\"><button id=\"");
    h.raw(action).raw("\">").raw(action).raw("</button></form>");
  }

  static Map<String, Object> json(TaskView v) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("id", v.task().id());
    m.put("state", v.name().state().code());
    m.put("attempts", v.attempts().size());
    return m;
  }
}
