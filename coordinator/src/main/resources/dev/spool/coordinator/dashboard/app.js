// Live updates for the Spool dashboard: short polling of the server's JSON feed. Values are put in
// with textContent and DOM nodes, never innerHTML, so nothing from a task file becomes markup.
"use strict";
(function () {
  var POLL_MS = 2000;

  function get(url, then) {
    fetch(url, { credentials: "same-origin", cache: "no-store" })
      .then(function (r) { return r.ok ? r.json() : null; })
      .then(function (j) { if (j) { then(j); } })
      .catch(function () { /* the next poll tries again */ });
  }

  function cell(tr, text, cls) {
    var td = document.createElement("td");
    td.textContent = text;
    if (cls) { td.className = cls; }
    tr.appendChild(td);
    return td;
  }

  function hidden(form, name, value) {
    var input = document.createElement("input");
    input.type = "hidden";
    input.name = name;
    input.value = value;
    form.appendChild(input);
  }

  function drainForm(worker, csrf) {
    var td = document.createElement("td");
    var form = document.createElement("form");
    form.method = "post";
    form.action = "/action";
    hidden(form, "csrf", csrf);
    hidden(form, "action", "drain");
    hidden(form, "worker", worker);
    var button = document.createElement("button");
    button.textContent = "drain";
    form.appendChild(button);
    td.appendChild(form);
    return td;
  }

  function overview(j) {
    Object.keys(j.counts).forEach(function (state) {
      var el = document.querySelector('[data-count="' + state + '"]');
      if (el) { el.textContent = String(j.counts[state]); }
    });
    var oldest = document.getElementById("oldest");
    if (oldest) { oldest.textContent = j.oldest_pending; }
    document.getElementById("chart-ok").setAttribute("points", j.chart.succeeded);
    document.getElementById("chart-failed").setAttribute("points", j.chart.failed);
    document.getElementById("chart-max").textContent = String(j.chart.max);
    document.getElementById("chart-now").textContent = j.chart.now;
    document.getElementById("chart-total").textContent = j.chart.total;
    lanes(j.lanes);
    var body = document.getElementById("workers");
    if (!body) { return; }
    var csrf = document.querySelector('meta[name="csrf"]');
    var canAct = csrf && document.querySelector("table.workers th:last-child:empty");
    while (body.firstChild) { body.removeChild(body.firstChild); }
    j.workers.forEach(function (w) {
      var tr = document.createElement("tr");
      cell(tr, w.id);
      cell(tr, w.host);
      cell(tr, (w.alive ? "yes" : "no") + (w.draining ? " (draining)" : ""), w.alive ? "alive" : "dead");
      cell(tr, w.heartbeat_age);
      cell(tr, w.slots);
      var running = cell(tr, "");
      w.running.forEach(function (id) {
        var a = document.createElement("a");
        a.href = "/task?id=" + encodeURIComponent(id);
        a.textContent = id;
        running.appendChild(a);
        running.appendChild(document.createTextNode(" "));
      });
      cell(tr, w.version);
      if (canAct) { tr.appendChild(drainForm(w.id, csrf.getAttribute("content"))); }
      tr.setAttribute("data-worker", w.id);
      body.appendChild(tr);
    });
  }

  var LANE_COLUMNS = ["lane", "account", "state", "until", "in_use", "quota_left",
    "last_error", "live_workers"];

  function lanes(rows) {
    var body = document.getElementById("lanes");
    if (!body || !rows) { return; }
    while (body.firstChild) { body.removeChild(body.firstChild); }
    rows.forEach(function (r) {
      var tr = document.createElement("tr");
      tr.setAttribute("data-lane", r.lane);
      LANE_COLUMNS.forEach(function (k) {
        cell(tr, r[k], k === "state" ? "lane-" + r.state : null);
      });
      body.appendChild(tr);
    });
  }

  // The task list: the same query as the page (filters and cursor), so a refresh keeps both.
  function taskList(body) {
    var url = "/api/tasks" + window.location.search;
    function show(j) {
      while (body.firstChild) { body.removeChild(body.firstChild); }
      j.rows.forEach(function (r) {
        var tr = document.createElement("tr");
        var td = document.createElement("td");
        var a = document.createElement("a");
        a.href = "/task?id=" + encodeURIComponent(r.id);
        a.textContent = r.id;
        td.appendChild(a);
        tr.appendChild(td);
        cell(tr, r.state, "state-" + r.state);
        cell(tr, r.type);
        cell(tr, r.worker);
        cell(tr, r.labels);
        body.appendChild(tr);
      });
      document.getElementById("total").textContent = String(j.total);
      document.getElementById("shown").textContent = String(j.rows.length);
      var next = document.getElementById("next");
      if (j.next && !next) {
        next = document.createElement("a");
        next.id = "next";
        next.textContent = "next page";
        document.querySelector("p.paging").appendChild(next);
      }
      if (next) {
        if (j.next) { next.setAttribute("href", j.next); } else { next.parentNode.removeChild(next); }
      }
    }
    setInterval(function () { get(url, show); }, POLL_MS);
  }

  function task(state) {
    var id = state.getAttribute("data-id");
    var seenAttempts = null;
    function poll() {
      get("/api/task?id=" + encodeURIComponent(id), function (j) {
        if (state.textContent !== j.state) {
          state.textContent = j.state;
          state.className = "state-" + j.state;
        }
        if (seenAttempts !== null && seenAttempts !== j.attempts) {
          document.getElementById("task-live").textContent =
            j.attempts + " attempts now; reload for their details";
        }
        seenAttempts = j.attempts;
      });
    }
    setInterval(poll, POLL_MS);
  }

  document.addEventListener("DOMContentLoaded", function () {
    if (document.getElementById("counts")) {
      setInterval(function () { get("/api/overview", overview); }, POLL_MS);
    }
    var rows = document.getElementById("task-rows");
    if (rows) { taskList(rows); }
    var state = document.getElementById("task-state");
    if (state) { task(state); }
  });
})();
