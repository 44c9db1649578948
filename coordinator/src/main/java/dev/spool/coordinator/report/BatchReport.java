package dev.spool.coordinator.report;

import dev.spool.coordinator.view.TaskView;
import dev.spool.protocol.result.AttemptResult;
import dev.spool.protocol.result.Outcome;
import dev.spool.protocol.spool.SpoolLayout;
import dev.spool.protocol.spool.TaskState;
import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The summary of a set of tasks, in the JSON task-runner report shape ({@code status}, {@code
 * results[]} with {@code task_id, status, output, error, execution_time_ms, trace_file}, {@code
 * summary}) with Spool's own fields beside it ({@code state}, {@code attempts}, {@code exit_code},
 * {@code worker}, {@code totals}).
 *
 * <p>{@code status} is {@code success} when every task ended in done/, {@code failure} when none
 * did, {@code partial} otherwise, and {@code running} while any task has not reached a terminal
 * state.
 */
public final class BatchReport {
  /** Characters of output kept in the report; the full text stays in the log file. */
  public static final int OUTPUT_CHARS = 50_000;

  private final Map<String, Object> json;
  private final String status;

  private BatchReport(Map<String, Object> json, String status) {
    this.json = json;
    this.status = status;
  }

  public Map<String, Object> json() {
    return json;
  }

  public String status() {
    return status;
  }

  public boolean succeeded() {
    return "success".equals(status);
  }

  /**
   * Builds the report.
   *
   * @param wallTime the run's wall time when the caller measured it (spool run); otherwise the span
   *     from the first start to the last finish of any attempt
   */
  public static BatchReport of(SpoolLayout layout, List<String> ids, Duration wallTime)
      throws IOException {
    List<Object> results = new ArrayList<>();
    int ok = 0;
    int bad = 0;
    int open = 0;
    Instant first = null;
    Instant last = null;
    for (String id : ids) {
      Optional<TaskView> v = TaskView.read(layout, id);
      Map<String, Object> r = new LinkedHashMap<>();
      r.put("task_id", id);
      if (v.isEmpty()) {
        r.put("status", "missing");
        r.put("state", null);
        bad++;
        results.add(r);
        continue;
      }
      TaskState state = v.get().name().state();
      List<AttemptResult> attempts = v.get().attempts();
      AttemptResult lastAttempt = attempts.isEmpty() ? null : attempts.get(attempts.size() - 1);
      r.put("status", statusOf(state));
      r.put("state", state.code());
      r.put("attempts", attempts.size());
      r.put(
          "output",
          lastAttempt == null
              ? ""
              : cap(TaskView.tail(layout, path(lastAttempt.stdout()), OUTPUT_CHARS)));
      r.put("error", error(layout, v.get(), lastAttempt));
      r.put(
          "execution_time_ms",
          lastAttempt == null || lastAttempt.duration() == null
              ? null
              : lastAttempt.duration().toMillis());
      r.put("trace_file", lastAttempt == null ? null : path(lastAttempt.stdout()));
      r.put("exit_code", exitCode(lastAttempt));
      r.put("worker", lastAttempt == null ? null : lastAttempt.worker());
      results.add(r);
      if (state == TaskState.DONE) {
        ok++;
      } else if (state.isTerminal()) {
        bad++;
      } else {
        open++;
      }
      for (AttemptResult a : attempts) {
        if (a.startedAt() != null && (first == null || a.startedAt().isBefore(first))) {
          first = a.startedAt();
        }
        if (last == null || a.finishedAt().isAfter(last)) {
          last = a.finishedAt();
        }
      }
    }
    long timeMs =
        wallTime != null
            ? wallTime.toMillis()
            : (first == null || last == null ? 0 : Duration.between(first, last).toMillis());
    String status =
        open > 0 ? "running" : ok == ids.size() ? "success" : ok == 0 ? "failure" : "partial";
    Map<String, Object> summary = new LinkedHashMap<>();
    summary.put("total_tasks", ids.size());
    summary.put("successful", ok);
    summary.put("failed", bad);
    summary.put("total_time_ms", timeMs);
    Map<String, Object> totals = new LinkedHashMap<>();
    totals.put("total", ids.size());
    totals.put("succeeded", ok);
    totals.put("failed", bad);
    totals.put("not_finished", open);
    totals.put("time_ms", timeMs);
    Map<String, Object> json = new LinkedHashMap<>();
    json.put("status", status);
    json.put("results", results);
    json.put("summary", summary);
    json.put("totals", totals);
    return new BatchReport(json, status);
  }

  private static String statusOf(TaskState s) {
    switch (s) {
      case DONE:
        return "success";
      case DEAD:
        return "failed";
      case CANCELLED:
        return "cancelled";
      default:
        return s.code();
    }
  }

  private static Object exitCode(AttemptResult a) {
    if (a == null) {
      return null;
    }
    if (a.outcome() instanceof Outcome.Succeeded) {
      return 0;
    }
    return a.outcome() instanceof Outcome.Failed ? ((Outcome.Failed) a.outcome()).exitCode() : null;
  }

  private static String error(SpoolLayout layout, TaskView v, AttemptResult a) throws IOException {
    if (v.name().state() == TaskState.DONE) {
      return null;
    }
    StringBuilder sb = new StringBuilder();
    if (v.end() != null) {
      sb.append(v.end().reason().code());
      if (v.end().message() != null) {
        sb.append(": ").append(v.end().message());
      }
    }
    if (a != null) {
      if (sb.length() > 0) {
        sb.append("; ");
      }
      sb.append("last attempt ").append(a.outcome().kind().code());
      String err = TaskView.tail(layout, path(a.stderr()), 2048).strip();
      if (!err.isEmpty()) {
        sb.append(": ").append(err);
      }
    }
    return sb.length() == 0 ? null : cap(sb.toString());
  }

  private static String path(dev.spool.protocol.result.OutputCapture c) {
    return c == null ? null : c.path();
  }

  private static String cap(String s) {
    return s.length() <= OUTPUT_CHARS ? s : s.substring(s.length() - OUTPUT_CHARS);
  }
}
