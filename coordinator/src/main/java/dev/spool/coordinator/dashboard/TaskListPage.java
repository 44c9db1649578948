package dev.spool.coordinator.dashboard;

import dev.spool.protocol.spool.TaskState;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;

/**
 * The task list: filters (state, type, label, worker) and cursor paging over the in-memory index,
 * so a page costs the same at a thousand tasks or a million. Type, label and worker come from the
 * background reader; tasks it has not read yet do not match those filters (the page says how many
 * are still unread). A filter that matches little looks at {@link #MAX_EXAMINED} entries at most
 * per page and offers to go on from there.
 */
final class TaskListPage {
  static final int PAGE = 50;
  static final int MAX_EXAMINED = 100_000;

  /** The request's filters, read from the query string. */
  record Filter(TaskState state, String type, String labelKey, String labelValue, String worker) {
    static Filter of(Map<String, String> q) {
      String label = blankToNull(q.get("label"));
      String key = null;
      String value = null;
      if (label != null) {
        int eq = label.indexOf('=');
        key = eq < 0 ? label : label.substring(0, eq);
        value = eq < 0 ? null : label.substring(eq + 1);
      }
      return new Filter(
          TaskState.ofCode(blankToNull(q.get("state"))),
          blankToNull(q.get("type")),
          key,
          value,
          blankToNull(q.get("worker")));
    }

    boolean needsDetails() {
      return type != null || labelKey != null || worker != null;
    }

    Predicate<TaskIndex.Info> predicate() {
      return i ->
          (type == null || type.equals(i.type))
              && (labelKey == null
                  || (labelValue == null
                      ? i.labels.containsKey(labelKey)
                      : labelValue.equals(i.labels.get(labelKey))))
              && (worker == null || worker.equals(i.worker));
    }

    List<TaskState> states() {
      return state == null ? List.of(TaskState.values()) : List.of(state);
    }

    String query() {
      StringBuilder sb = new StringBuilder();
      add(sb, "state", state == null ? null : state.code());
      add(sb, "type", type);
      add(
          sb,
          "label",
          labelKey == null ? null : labelKey + (labelValue == null ? "" : "=" + labelValue));
      add(sb, "worker", worker);
      return sb.toString();
    }

    private static void add(StringBuilder sb, String k, String v) {
      if (v != null) {
        sb.append('&').append(k).append('=').append(Html.url(v));
      }
    }

    private static String blankToNull(String s) {
      return s == null || s.isBlank() ? null : s.strip();
    }
  }

  private TaskListPage() {}

  /** One page of the list: its rows, where the next page starts, and the counts it shows. */
  private record Listing(Filter filter, TaskIndex.Page page, long total, long unread) {
    static Listing of(SpoolObserver o, Map<String, String> q) {
      Filter f = Filter.of(q);
      TaskIndex index = o.index();
      TaskIndex.Page page =
          index.page(f.states(), q.get("after"), PAGE, f.predicate(), MAX_EXAMINED);
      long total = 0;
      for (TaskState s : f.states()) {
        total += index.count(s);
      }
      return new Listing(f, page, total, f.needsDetails() ? index.unread() : 0);
    }
  }

  static String render(SpoolObserver o, Map<String, String> q, String csrf) {
    Listing l = Listing.of(o, q);
    Filter f = l.filter();
    TaskIndex.Page page = l.page();
    Html h = new Html().open("Tasks", csrf);
    h.raw("<h1>Tasks</h1>");
    form(h, f);
    h.raw("<p class=\"summary\"><span id=\"total\">").text(l.total()).raw("</span> tasks");
    h.raw(f.state == null ? "" : " in " + f.state.code()).raw("; showing <span id=\"shown\">");
    h.text(page.rows().size()).raw("</span>").raw(f.needsDetails() ? " that match" : "");
    h.raw(".");
    if (l.unread() > 0) {
      h.raw(" <span class=\"note\">").text(l.unread());
      h.raw(" tasks not read yet are left out of type, label and worker filters.</span>");
    }
    h.raw("</p><table class=\"tasks\" id=\"task-list\"><thead><tr><th>id</th><th>state</th>");
    h.raw("<th>type</th><th>worker</th><th>labels</th></tr></thead><tbody id=\"task-rows\">");
    for (TaskIndex.Info i : page.rows()) {
      h.raw("<tr><td><a href=\"/task?id=").text(Html.url(i.id)).raw("\">").text(i.id);
      TaskState s = i.state;
      h.raw("</a></td><td class=\"state-").raw(s == null ? "moving" : s.code()).raw("\">");
      h.raw(s == null ? "moving" : s.code()).raw("</td><td>").text(i.type).raw("</td><td>");
      h.text(i.worker).raw("</td><td>").text(labels(i.labels)).raw("</td></tr>");
    }
    h.raw("</tbody></table><p class=\"paging\">");
    if (q.get("after") != null) {
      h.raw("<a href=\"/tasks?").text(f.query()).raw("\">first page</a> ");
    }
    if (page.next() != null) {
      h.raw("<a id=\"next\" href=\"/tasks?after=").text(Html.url(page.next()));
      h.text(f.query()).raw("\">next page</a>");
    }
    return h.raw("</p>").close().toString();
  }

  /**
   * The same page as data, for the list's live refresh ({@code /api/tasks} with the page's own
   * query: the same filters and cursor, so a refresh never leaves the page the operator is on).
   */
  static Map<String, Object> json(SpoolObserver o, Map<String, String> q) {
    Listing l = Listing.of(o, q);
    List<Object> rows = new ArrayList<>();
    for (TaskIndex.Info i : l.page().rows()) {
      Map<String, Object> r = new LinkedHashMap<>();
      TaskState s = i.state;
      r.put("id", i.id);
      r.put("state", s == null ? "moving" : s.code());
      r.put("type", i.type == null ? "" : i.type);
      r.put("worker", i.worker == null ? "" : i.worker);
      r.put("labels", labels(i.labels));
      rows.add(r);
    }
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("total", l.total());
    m.put("rows", rows);
    m.put(
        "next",
        l.page().next() == null
            ? ""
            : "/tasks?after=" + Html.url(l.page().next()) + l.filter().query());
    return m;
  }

  private static void form(Html h, Filter f) {
    h.raw("<form class=\"filters\" method=\"get\" action=\"/tasks\"><label>state <select ");
    h.raw("name=\"state\"><option value=\"\">any</option>");
    for (TaskState s : TaskState.values()) {
      h.raw("<option").raw(s == f.state ? " selected" : "").raw(">").raw(s.code());
      h.raw("</option>");
    }
    h.raw("</select></label>");
    input(h, "type", f.type);
    input(
        h,
        "label",
        f.labelKey == null ? null : f.labelKey + (f.labelValue == null ? "" : "=" + f.labelValue));
    input(h, "worker", f.worker);
    h.raw("<button>filter</button></form>");
  }

  private static void input(Html h, String name, String value) {
    h.raw("<label>").raw(name).raw(" <input name=\"").raw(name).raw("\" value=\"");
    h.text(value).raw("\"></label>");
  }

  static String labels(Map<String, String> labels) {
    List<String> parts = new ArrayList<>();
    labels.forEach((k, v) -> parts.add(k + "=" + v));
    return String.join(", ", parts);
  }
}
