package dev.spool.coordinator.cli;

import dev.spool.coordinator.report.BatchReport;
import java.io.PrintWriter;
import java.util.List;
import java.util.Map;

/** The human form of a {@link BatchReport}. */
final class ReportTable {
  private ReportTable() {}

  @SuppressWarnings("unchecked")
  static void print(PrintWriter out, BatchReport report) {
    out.printf("%-32s %-10s %8s %5s %9s%n", "TASK", "STATE", "ATTEMPTS", "EXIT", "TIME");
    for (Object o : (List<Object>) report.json().get("results")) {
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
    Map<String, Object> t = (Map<String, Object>) report.json().get("totals");
    out.printf(
        "%s: %s of %s succeeded, %s failed, %.1f s%n",
        report.status(),
        t.get("succeeded"),
        t.get("total"),
        t.get("failed"),
        ((Number) t.get("time_ms")).longValue() / 1000.0);
  }
}
