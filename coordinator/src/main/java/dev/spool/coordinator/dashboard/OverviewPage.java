package dev.spool.coordinator.dashboard;

import dev.spool.coordinator.view.LaneRow;
import dev.spool.protocol.heartbeat.Heartbeat;
import dev.spool.protocol.heartbeat.RunningTask;
import dev.spool.protocol.spool.TaskState;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.TreeSet;

/**
 * The overview: tasks per state, attempts per minute (an inline SVG chart), the oldest pending
 * task's age, workers, and the lane accounts (state, cooldown, quota use, last error) when the
 * fleet has any. The same data as JSON feeds the page's live updates ({@code /api/overview}).
 */
final class OverviewPage {
  static final int CHART_W = 600;
  static final int CHART_H = 120;

  private OverviewPage() {}

  static String render(SpoolObserver o, String csrf, boolean canAct) {
    Html h = new Html().open("Overview", csrf);
    h.raw("<h1>Overview</h1><section class=\"counts\" id=\"counts\">");
    Map<TaskState, Long> counts = o.counts();
    for (TaskState s : TaskState.values()) {
      h.raw("<a class=\"count state-").raw(s.code()).raw("\" href=\"/tasks?state=").raw(s.code());
      h.raw("\"><span class=\"n\" data-count=\"").raw(s.code()).raw("\">");
      h.text(counts.getOrDefault(s, 0L)).raw("</span><span class=\"label\">").raw(s.code());
      h.raw("</span></a>");
    }
    h.raw("</section><p>Oldest pending task: <span id=\"oldest\">");
    h.text(age(o.oldestPendingAgeMillis())).raw("</span></p>");
    chart(h, o.activity().minutes());
    workers(h, o.workers(), csrf, canAct);
    lanes(h, o);
    return h.close().toString();
  }

  static String age(OptionalLong millis) {
    if (millis.isEmpty()) {
      return "none pending";
    }
    return seconds(millis.getAsLong());
  }

  static String seconds(long millis) {
    long s = millis / 1000;
    if (s < 120) {
      return s + "s";
    }
    if (s < 7200) {
      return (s / 60) + "m " + (s % 60) + "s";
    }
    return (s / 3600) + "h " + (s / 60 % 60) + "m";
  }

  private static void chart(Html h, List<Activity.Minute> minutes) {
    Map<String, Object> c = chartJson(minutes);
    h.raw("<h2>Attempts per minute, last ").text(Activity.MINUTES).raw(" minutes</h2>");
    h.raw("<svg id=\"chart\" class=\"chart\" viewBox=\"0 0 " + CHART_W + " " + CHART_H);
    h.raw("\" width=\"" + CHART_W + "\" height=\"" + CHART_H + "\" role=\"img\" ");
    h.raw("aria-label=\"succeeded and failed attempts per minute\">");
    h.raw("<rect class=\"frame\" x=\"0\" y=\"0\" width=\"" + CHART_W + "\" height=\"" + CHART_H);
    h.raw("\"></rect>");
    for (int y = 4; y < CHART_H; y += (CHART_H - 8) / 4) {
      h.raw("<line class=\"axis\" x1=\"0\" x2=\"" + CHART_W + "\" y1=\"" + y + "\" y2=\"" + y);
      h.raw("\"></line>");
    }
    h.raw("<polyline id=\"chart-failed\" class=\"failed\" points=\"").text(c.get("failed"));
    h.raw("\"></polyline><polyline id=\"chart-ok\" class=\"ok\" points=\"")
        .text(c.get("succeeded"));
    h.raw("\"></polyline></svg>");
    h.raw("<p class=\"legend\">30 minutes ago to now: <span class=\"ok\">succeeded</span> ");
    h.raw("<span class=\"failed\">failed</span>; top line <span id=\"chart-max\">");
    h.text(c.get("max")).raw("</span>/min; this minute: <span id=\"chart-now\">");
    h.text(c.get("now")).raw("</span>; in 30 minutes: <span id=\"chart-total\">");
    h.text(c.get("total")).raw("</span></p>");
  }

  static Map<String, Object> chartJson(List<Activity.Minute> minutes) {
    long max = 1;
    for (Activity.Minute m : minutes) {
      max = Math.max(max, Math.max(m.succeeded(), m.failed()));
    }
    StringBuilder ok = new StringBuilder();
    StringBuilder bad = new StringBuilder();
    int n = minutes.size();
    for (int i = 0; i < n; i++) {
      Activity.Minute m = minutes.get(i);
      long x = n == 1 ? 0 : (long) i * (CHART_W - 1) / (n - 1);
      ok.append(x).append(',').append(y(m.succeeded(), max)).append(' ');
      bad.append(x).append(',').append(y(m.failed(), max)).append(' ');
    }
    Activity.Minute last = minutes.get(n - 1);
    long ok30 = minutes.stream().mapToLong(Activity.Minute::succeeded).sum();
    long bad30 = minutes.stream().mapToLong(Activity.Minute::failed).sum();
    Map<String, Object> c = new LinkedHashMap<>();
    c.put("succeeded", ok.toString().strip());
    c.put("failed", bad.toString().strip());
    c.put("max", max);
    c.put("now", last.succeeded() + " ok, " + last.failed() + " failed");
    c.put("total", ok30 + " ok, " + bad30 + " failed");
    return c;
  }

  private static long y(long v, long max) {
    return (CHART_H - 4) - v * (CHART_H - 8) / max;
  }

  private static void workers(
      Html h, List<WorkerLiveness.Seen> workers, String csrf, boolean canAct) {
    h.raw("<h2>Workers</h2><table class=\"workers\"><thead><tr><th>worker</th><th>host</th>");
    h.raw("<th>alive</th><th>heartbeat age</th><th>slots</th><th>running</th>");
    h.raw("<th>version</th>").raw(canAct ? "<th></th>" : "").raw("</tr></thead>");
    h.raw("<tbody id=\"workers\">");
    if (workers.isEmpty()) {
      h.raw("<tr><td colspan=\"7\">no worker has written a heartbeat</td></tr>");
    }
    for (WorkerLiveness.Seen w : workers) {
      Heartbeat hb = w.heartbeat();
      h.raw("<tr data-worker=\"").text(hb.workerId()).raw("\"><td>").text(hb.workerId());
      h.raw("</td><td>").text(hb.host()).raw("</td><td class=\"");
      h.raw(w.alive() ? "alive\">yes" : "dead\">no").raw(hb.draining() ? " (draining)" : "");
      h.raw("</td><td>").text(seconds(w.heartbeatAge().toMillis())).raw("</td><td>");
      h.text(hb.slotsUsed() + "/" + hb.slotsTotal()).raw("</td><td>");
      for (RunningTask r : hb.running()) {
        h.raw("<a href=\"/task?id=").text(Html.url(r.taskId())).raw("\">").text(r.taskId());
        h.raw("</a> ");
      }
      h.raw("</td><td>").text(hb.version()).raw("</td>");
      if (canAct) {
        h.raw("<td><form method=\"post\" action=\"/action\"><input type=\"hidden\" ");
        h.raw("name=\"csrf\" value=\"").text(csrf).raw("\"><input type=\"hidden\" ");
        h.raw("name=\"action\" value=\"drain\"><input type=\"hidden\" name=\"worker\" value=\"");
        h.text(hb.workerId()).raw("\"><button>drain</button></form></td>");
      }
      h.raw("</tr>");
    }
    h.raw("</tbody></table>");
  }

  /**
   * Lane accounts from the fleet's lane state (usable, cooling down until when, disabled; running
   * attempts; quota use; last error), and lanes workers advertise without any account state.
   */
  private static void lanes(Html h, SpoolObserver o) {
    List<Map<String, Object>> rows = laneRows(o);
    if (rows.isEmpty()) {
      return;
    }
    h.raw("<h2>Lanes</h2><table class=\"lanes\"><thead><tr><th>lane</th><th>account</th>");
    h.raw("<th>state</th><th>until</th><th>in use</th><th>quota used/limit (left)</th>");
    h.raw("<th>last error</th><th>live workers</th></tr></thead><tbody id=\"lanes\">");
    for (Map<String, Object> r : rows) {
      h.raw("<tr data-lane=\"").text(r.get("lane")).raw("\"><td>").text(r.get("lane"));
      h.raw("</td><td>").text(r.get("account")).raw("</td><td class=\"lane-");
      h.text(r.get("state")).raw("\">").text(r.get("state")).raw("</td><td>");
      h.text(r.get("until")).raw("</td><td>").text(r.get("in_use")).raw("</td><td>");
      h.text(r.get("quota_left")).raw("</td><td>").text(r.get("last_error")).raw("</td><td>");
      h.text(r.get("live_workers")).raw("</td></tr>");
    }
    h.raw("</tbody></table>");
  }

  /** The lanes table's rows, for the page and for the live feed (values are text). */
  static List<Map<String, Object>> laneRows(SpoolObserver o) {
    List<WorkerLiveness.Seen> workers = o.workers();
    TreeSet<String> advertised = new TreeSet<>();
    workers.forEach(w -> advertised.addAll(w.heartbeat().lanes()));
    List<Map<String, Object>> out = new ArrayList<>();
    for (LaneRow r : o.lanes()) {
      advertised.remove(r.lane());
      Map<String, Object> m = new LinkedHashMap<>();
      m.put("lane", r.lane());
      m.put("account", r.account());
      m.put("state", r.state());
      m.put("until", until(r, o.now()));
      m.put("in_use", String.valueOf(r.inUse()));
      m.put("quota_left", quotaLeft(r));
      m.put("last_error", r.lastError() == null ? "" : r.lastError());
      m.put("live_workers", String.valueOf(live(workers, r.lane())));
      out.add(m);
    }
    for (String lane : advertised) {
      Map<String, Object> m = new LinkedHashMap<>();
      m.put("lane", lane);
      m.put("account", "");
      m.put("state", "no account state");
      m.put("until", "");
      m.put("in_use", "");
      m.put("quota_left", "");
      m.put("last_error", "");
      m.put("live_workers", String.valueOf(live(workers, lane)));
      out.add(m);
    }
    out.sort(java.util.Comparator.comparing(m -> (String) m.get("lane")));
    return out;
  }

  /** The cooldown's end to the second, and how long from now on this host's clock. */
  private static String until(LaneRow r, java.time.Instant now) {
    if (r.until() == null) {
      return "";
    }
    long left = Math.max(0, r.until().toEpochMilli() - now.toEpochMilli());
    return r.until().truncatedTo(java.time.temporal.ChronoUnit.SECONDS)
        + " (in "
        + seconds(left)
        + ")";
  }

  private static String quotaLeft(LaneRow r) {
    List<String> parts = new ArrayList<>();
    for (LaneRow.Quota q : r.quotas()) {
      parts.add(q.name() + " " + q.used() + "/" + q.limit() + " (" + q.left() + " left)");
    }
    return parts.isEmpty() ? "-" : String.join(", ", parts);
  }

  private static long live(List<WorkerLiveness.Seen> workers, String lane) {
    return workers.stream().filter(w -> w.alive() && w.heartbeat().lanes().contains(lane)).count();
  }

  static Map<String, Object> json(SpoolObserver o) {
    Map<String, Object> m = new LinkedHashMap<>();
    Map<String, Object> counts = new LinkedHashMap<>();
    o.counts().forEach((s, n) -> counts.put(s.code(), n));
    m.put("counts", counts);
    m.put("oldest_pending", age(o.oldestPendingAgeMillis()));
    List<Object> workers = new ArrayList<>();
    for (WorkerLiveness.Seen w : o.workers()) {
      Map<String, Object> r = new LinkedHashMap<>();
      r.put("id", w.heartbeat().workerId());
      r.put("host", w.heartbeat().host());
      r.put("alive", w.alive());
      r.put("draining", w.heartbeat().draining());
      r.put("heartbeat_age", seconds(w.heartbeatAge().toMillis()));
      r.put("slots", w.heartbeat().slotsUsed() + "/" + w.heartbeat().slotsTotal());
      List<String> running = new ArrayList<>();
      w.heartbeat().running().forEach(t -> running.add(t.taskId()));
      r.put("running", running);
      r.put("version", w.heartbeat().version());
      workers.add(r);
    }
    m.put("workers", workers);
    m.put("chart", chartJson(o.activity().minutes()));
    m.put("lanes", laneRows(o));
    return m;
  }
}
