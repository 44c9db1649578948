package dev.spool.bench;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * One workload's outcome: the summary line the harness prints ({@code workload=W1 key=value ...},
 * the medians over the runs) and the rows BENCHMARKS.md shows, each a metric with its same-run
 * baseline, the ratio and the target.
 */
final class Result {
  /** One row of the report. {@code met} is null where the issue sets no target. */
  record Row(
      String metric, String spool, String baseline, String ratio, String target, Boolean met) {}

  private final String workload;
  private final Map<String, String> fields = new LinkedHashMap<>();
  private final List<Row> rows = new ArrayList<>();
  private String appendix = "";

  Result(String workload) {
    this.workload = workload;
  }

  String workload() {
    return workload;
  }

  Result put(String key, Object value) {
    fields.put(key, format(value));
    return this;
  }

  Result row(
      String metric, String spool, String baseline, String ratio, String target, Boolean met) {
    rows.add(new Row(metric, spool, baseline, ratio, target, met));
    return this;
  }

  /** Markdown the report shows under the table (e.g. a growth table). */
  Result appendix(String markdown) {
    appendix = markdown;
    return this;
  }

  String appendix() {
    return appendix;
  }

  List<Row> rows() {
    return rows;
  }

  Map<String, String> fields() {
    return fields;
  }

  String line() {
    StringBuilder sb = new StringBuilder("workload=").append(workload);
    fields.forEach((k, v) -> sb.append(' ').append(k).append('=').append(v));
    return sb.toString();
  }

  static String format(Object value) {
    if (value instanceof Double d) {
      double a = Math.abs(d);
      return String.format(Locale.ROOT, a >= 100 ? "%.0f" : a >= 10 ? "%.1f" : "%.2f", d);
    }
    return String.valueOf(value);
  }
}
