package dev.spool.coordinator.cli;

import dev.spool.coordinator.report.BatchReport;
import java.io.PrintWriter;
import java.util.List;
import java.util.Map;

/** The human form of a {@link BatchReport}, also for {@code spool run}'s summary. */
public final class ReportTable {
  private ReportTable() {}

  static void print(PrintWriter out, BatchReport report) {
    print(out, report.json());
  }

  /** Prints a report in the {@link BatchReport#json()} shape as a table and a totals line. */
  @SuppressWarnings("unchecked")
  public static void print(PrintWriter out, Map<String, Object> json) {
    out.printf("%-32s %-10s %8s %5s %9s%n", "TASK", "STATE", "ATTEMPTS", "EXIT", "TIME");
    for (Object o : (List<Object>) json.get("results")) {
      Map<String, Object> r = (Map<String, Object>) o;
      Object ms = r.get("execution_time_ms");
      out.printf(
          "%-32s %-10s %8s %5s %9s%n",
          r.get("task_id"),
          r.get("state"),
          r.get("attempts"),
          r.get("exit_code") == null ? "-" : r.get("exit_code"),
          ms == null ? "-" : String.format("%.2fs", ((Number) ms).longValue() / 1000.0));
    }
    Map<String, Object> t = (Map<String, Object>) json.get("totals");
    out.printf(
        "%s: %s of %s succeeded, %s failed, %.1f s%n",
        json.get("status"),
        t.get("succeeded"),
        t.get("total"),
        t.get("failed"),
        ((Number) t.get("time_ms")).longValue() / 1000.0);
  }
}
