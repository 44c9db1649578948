package dev.spool.coordinator.dashboard;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.spool.protocol.json.SpoolJson;
import dev.spool.protocol.spool.TaskName;
import dev.spool.protocol.spool.TaskState;
import dev.spool.protocol.testing.Await;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** Every page, the JSON feed and /metrics, over real HTTP against a seeded spool. */
@Timeout(60)
class DashboardHttpTest {
  static final String HOSTILE = "<script>alert('x')</script>";

  @TempDir Path tmp;
  SeededSpool spool;
  DashboardServer server;
  final HttpClient http =
      HttpClient.newBuilder().followRedirects(HttpClient.Redirect.NEVER).build();

  @BeforeEach
  void seed() throws Exception {
    spool = new SeededSpool(tmp.resolve("spool"));
    for (int i = 1; i <= 3; i++) {
      spool.run("t-ok-" + i, "build", Map.of("team", "core"), 0, "hello " + i + "\n");
    }
    spool.run("t-bad", "build", Map.of(), 2, "partial\n");
    spool.kill("t-bad", 1);
    spool.run("t-hostile", "review", Map.of("note", HOSTILE), 0, "<img src=x onerror=alert(2)>\n");
    spool.claim(spool.submit("t-run", "build", Map.of()), "w2");
    spool.submit("t-wait-1", null, Map.of());
    spool.submit("t-wait-2", null, Map.of());
    spool.heartbeat("w2", 5, 1, List.of("t-run"));
    spool.submitBlocked("t-next", "t-run");
    server = start(DashboardConfig.readOnly(spool.layout.root(), 0));
  }

  static DashboardServer start(DashboardConfig c) throws IOException {
    return DashboardServer.start(
        c.withPeriods(Duration.ofMillis(300), Duration.ofMillis(200), Duration.ofSeconds(15)),
        Clock.systemUTC(),
        System::nanoTime);
  }

  @AfterEach
  void stop() {
    server.close();
  }

  HttpResponse<String> get(String path) throws IOException, InterruptedException {
    return http.send(
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port() + path)).build(),
        HttpResponse.BodyHandlers.ofString());
  }

  static String count(String html, String state) {
    Matcher m = Pattern.compile("data-count=\"" + state + "\">(\\d+)<").matcher(html);
    assertTrue(m.find(), "no count for " + state);
    return m.group(1);
  }

  @Test
  void overviewShowsCountsWorkersAndChart() throws Exception {
    HttpResponse<String> r = get("/");
    assertEquals(200, r.statusCode());
    String html = r.body();
    assertEquals("4", count(html, "done"));
    assertEquals("1", count(html, "dead"));
    assertEquals("1", count(html, "claimed"));
    assertEquals("2", count(html, "pending"));
    assertEquals("0", count(html, "held"));
    assertEquals("1", count(html, "blocked"));
    assertTrue(html.contains("data-worker=\"w2\""), html);
    assertTrue(html.contains("<td class=\"alive\">yes"), "w2's heartbeat was just written");
    assertTrue(html.contains("1/4"), "slots used/total");
    assertTrue(html.contains("href=\"/task?id=t-run\">t-run</a>"), "running task linked");
    assertTrue(html.contains("<svg id=\"chart\""), "the activity chart");
    assertFalse(html.contains("none pending"), "the oldest pending age is shown");
    assertFalse(html.contains("<h2>Lanes</h2>"), "no lanes advertised, no lanes section");
  }

  @Test
  void liveFeedFollowsTheSpoolWithoutReload() throws Exception {
    JsonNode before = json("/api/overview");
    assertEquals(4, before.get("counts").get("done").asInt(), before.toString());
    spool.run("t-new", "build", Map.of(), 0, "new\n");
    Await.until(
        Duration.ofSeconds(20),
        "the feed shows the new task done and its attempt in the chart",
        () -> {
          JsonNode j = json("/api/overview");
          return j.get("counts").get("done").asInt() == 5
              && j.get("chart").get("total").asText().equals("1 ok, 0 failed");
        });
  }

  JsonNode json(String path) {
    try {
      return SpoolJson.mapper().readTree(body(path));
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  String body(String path) {
    try {
      return get(path).body();
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError(e);
    }
  }

  @Test
  void taskListFiltersAndPagesThroughTheIndex() throws Exception {
    for (int i = 0; i < 120; i++) {
      spool.run(String.format("t-bulk-%03d", i), "bulk", Map.of(), 0, "");
    }
    Await.until(
        Duration.ofSeconds(20),
        "the index holds the new tasks, read in the background",
        () ->
            body("/tasks?state=done").contains("<span id=\"total\">124</span>")
                && body("/tasks?type=bulk")
                    .contains("showing <span id=\"shown\">50</span> that match"));
    Set<String> seen = new HashSet<>();
    String next = "/tasks?state=done";
    int pages = 0;
    while (next != null) {
      String html = get(next).body();
      Matcher m = Pattern.compile("href=\"/task\\?id=([^\"]+)\">").matcher(html);
      while (m.find()) {
        assertTrue(seen.add(m.group(1)), "no task twice across pages: " + m.group(1));
      }
      Matcher n = Pattern.compile("id=\"next\" href=\"([^\"]+)\"").matcher(html);
      next = n.find() ? n.group(1).replace("&amp;", "&") : null;
      pages++;
    }
    assertEquals(124, seen.size(), "every done task once");
    assertEquals(3, pages);
    String byType = get("/tasks?type=build").body();
    assertTrue(byType.contains("t-ok-1") && byType.contains("t-run"), byType);
    assertFalse(byType.contains("t-hostile"));
    String byLabel = get("/tasks?label=team%3Dcore").body();
    assertTrue(byLabel.contains("showing <span id=\"shown\">3</span> that match"), byLabel);
    String byWorker = get("/tasks?worker=w2").body();
    assertTrue(
        byWorker.contains("t-run")
            && byWorker.contains("showing <span id=\"shown\">1</span> that match"),
        byWorker);
    assertTrue(get("/tasks?state=pending").body().contains("t-wait-2"));
  }

  @Test
  void theListFeedKeepsFiltersAndCursorAndShowsNewTasks() throws Exception {
    JsonNode pending = json("/api/tasks?state=pending");
    assertEquals(2, pending.get("total").asInt(), pending.toString());
    assertEquals(2, pending.get("rows").size());
    assertEquals("", pending.get("next").asText(), "one page only");
    spool.submit("t-wait-3", "build", Map.of("team", "web"));
    Await.until(
        Duration.ofSeconds(20),
        "the feed lists the new pending task",
        () -> json("/api/tasks?state=pending").get("total").asInt() == 3);
    JsonNode rows = json("/api/tasks?state=pending").get("rows");
    assertEquals("t-wait-3", rows.get(2).get("id").asText(), "dispatch order: enqueued last");
    assertEquals("pending", rows.get(2).get("state").asText());
    JsonNode after =
        json("/api/tasks?state=pending&after=" + Html.url("pending:" + firstPendingKey()));
    assertEquals(2, after.get("rows").size(), "the cursor is honoured: " + after);
    assertEquals("t-wait-2", after.get("rows").get(0).get("id").asText());
    for (int i = 0; i < TaskListPage.PAGE + 5; i++) {
      spool.submit("t-more-" + i, null, Map.of());
    }
    Await.until(
        Duration.ofSeconds(20),
        "all indexed",
        () -> json("/api/tasks?state=pending").get("total").asInt() == 3 + TaskListPage.PAGE + 5);
    String next = json("/api/tasks?state=pending&type=").get("next").asText();
    assertTrue(next.startsWith("/tasks?after=pending%3A") && next.endsWith("&state=pending"), next);
    String page = body("/tasks?state=pending");
    assertTrue(page.contains("<tbody id=\"task-rows\">"), "the list's body is the refresh target");
  }

  String firstPendingKey() throws IOException {
    try (var s = Files.list(spool.layout.dir(TaskState.PENDING))) {
      return s.map(p -> p.getFileName().toString())
          .filter(n -> n.contains("t-wait-1"))
          .findFirst()
          .orElseThrow();
    }
  }

  @Test
  void taskPageShowsAttemptsOutputDependenciesAndLogs() throws Exception {
    String html = get("/task?id=t-bad").body();
    assertTrue(html.contains("id=\"task-state\""), html);
    assertTrue(html.contains(">dead</span>"), "state");
    assertTrue(html.contains("<td class=\"outcome-failed\">failed</td>"), "outcome");
    assertTrue(html.contains("plain_failure"), "classification");
    assertTrue(html.contains("<td>2</td>"), "exit code");
    assertTrue(html.contains("1.5s"), "duration");
    assertTrue(html.contains("test-model 100 in 20 out $0.0042"), "usage");
    assertTrue(html.contains("partial"), "stdout tail");
    assertTrue(html.contains("boom"), "stderr tail");
    assertTrue(html.contains("max_retries"), "end note");
    String next = get("/task?id=t-next").body();
    assertTrue(next.contains("<h2>Dependencies</h2>"), next);
    assertTrue(
        next.contains("<a href=\"/task?id=t-run\">t-run</a> (success) claimed"),
        "the dependency, its condition and its state now: " + next);
    HttpResponse<String> log = get("/log?id=t-bad&attempt=1&stream=err");
    assertEquals(200, log.statusCode());
    assertEquals("boom\n", log.body());
    assertTrue(log.headers().firstValue("Content-Type").orElse("").startsWith("text/plain"));
    HttpResponse<String> head =
        http.send(
            HttpRequest.newBuilder(
                    URI.create(
                        "http://127.0.0.1:" + server.port() + "/log?id=t-bad&attempt=1&stream=err"))
                .method("HEAD", HttpRequest.BodyPublishers.noBody())
                .build(),
            HttpResponse.BodyHandlers.ofString());
    assertEquals(200, head.statusCode());
    assertEquals("", head.body());
    assertEquals(404, get("/task?id=ghost").statusCode());
    assertEquals(404, get("/log?id=t-bad&attempt=9").statusCode());
    assertEquals(404, get("/log?id=t-wait-1&attempt=1").statusCode(), "has not run");
  }

  @Test
  void aStreamAnAttemptNeverWroteToIsAnEmptyLog() throws Exception {
    // PROTOCOL.md 7.2: a worker creates a log at its stream's first byte.
    HttpResponse<String> ended = get("/log?id=t-ok-1&attempt=1&stream=err");
    assertEquals(200, ended.statusCode(), "an attempt with a result");
    assertEquals("", ended.body());
    assertTrue(ended.headers().firstValue("Content-Type").orElse("").startsWith("text/plain"));
    HttpResponse<String> running = get("/log?id=t-run&attempt=1");
    assertEquals(200, running.statusCode(), "the claimed attempt, no output yet");
    assertEquals("", running.body());
    assertEquals(404, get("/log?id=t-run&attempt=2").statusCode(), "not this attempt");
    JsonNode task = json("/api/task?id=t-bad");
    assertEquals("dead", task.get("state").asText());
    assertEquals(1, task.get("attempts").asInt());
  }

  @Test
  void hostileLabelAndOutputRenderAsText() throws Exception {
    HttpResponse<String> r = get("/task?id=t-hostile");
    String html = r.body();
    assertFalse(html.contains("<script>alert"), "no script element from a label");
    assertFalse(html.contains("<img src=x"), "no element from output");
    assertTrue(html.contains("&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;"), html);
    assertTrue(html.contains("&lt;img src=x onerror=alert(2)&gt;"), html);
    String csp = r.headers().firstValue("Content-Security-Policy").orElseThrow();
    assertTrue(csp.contains("script-src 'self'") && csp.contains("default-src 'none'"), csp);
    assertEquals("nosniff", r.headers().firstValue("X-Content-Type-Options").orElseThrow());
    String list = get("/tasks?label=note").body();
    assertTrue(list.contains("note=&lt;script&gt;"), list);
    assertFalse(list.contains("<script>alert"));
  }

  @Test
  void metricsAreValidPrometheusTextAndCountNewAttempts() throws Exception {
    spool.run("t-after", "build", Map.of(), 0, "");
    Await.until(
        Duration.ofSeconds(20),
        "the new attempt is counted (the queue wait histogram is fed last)",
        () -> body("/metrics").contains("spool_queue_wait_seconds_count{type=\"build\"} 1"));
    HttpResponse<String> r = get("/metrics");
    assertTrue(
        r.headers().firstValue("Content-Type").orElse("").startsWith("text/plain; version=0.0.4"));
    Map<String, Double> samples = PromText.parse(r.body());
    assertEquals(
        1.0, samples.get("spool_attempts_total{lane=\"\",outcome=\"succeeded\",type=\"build\"}"));
    assertEquals(5.0, samples.get("spool_tasks{state=\"done\"}"));
    assertEquals(2.0, samples.get("spool_tasks{state=\"pending\"}"));
    assertEquals(1.0, samples.get("spool_workers_live"));
    assertEquals(1.0, samples.get("spool_worker_slots_busy"));
    assertEquals(4.0, samples.get("spool_worker_slots"));
    assertEquals(1.0, samples.get("spool_attempt_duration_seconds_count{type=\"build\"}"));
    assertEquals(1.5, samples.get("spool_attempt_duration_seconds_sum{type=\"build\"}"));
    assertEquals(1.0, samples.get("spool_queue_wait_seconds_bucket{type=\"build\",le=\"2.5\"}"));
    assertEquals(0.0, samples.get("spool_queue_wait_seconds_bucket{type=\"build\",le=\"1.0\"}"));
    assertNotNull(samples.get("spool_oldest_pending_age_seconds"));
    PromText.checkWithPromtool(r.body());
  }

  @Test
  void metricsTextfileIsReplacedAtomically() throws Exception {
    Path out = tmp.resolve("textfile/spool.prom");
    Files.createDirectories(out.getParent());
    Files.writeString(out, "old");
    int exit =
        new picocli.CommandLine(new MetricsCommand())
            .execute("--spool", spool.layout.root().toString(), "--textfile", out.toString());
    assertEquals(0, exit);
    String text = Files.readString(out);
    assertEquals(4.0, PromText.parse(text).get("spool_tasks{state=\"done\"}"));
    assertEquals(1.0, PromText.parse(text).get("spool_workers_live"));
    try (var files = Files.list(out.getParent())) {
      assertEquals(List.of(out), files.toList(), "no temp file left beside it");
    }
    PromText.checkWithPromtool(text);
  }

  @Test
  void actionsAreRefusedWhenReadOnly() throws Exception {
    HttpResponse<String> r = post("/action", "action=cancel&id=t-wait-1", Map.of());
    assertEquals(403, r.statusCode());
    assertTrue(r.body().contains("read-only"), r.body());
    assertFalse(get("/task?id=t-wait-1").body().contains("<form method=\"post\""), "no buttons");
    assertTrue(spool.layout.dir(TaskState.PENDING).toFile().list().length == 2, "nothing moved");
  }

  HttpResponse<String> post(String path, String form, Map<String, String> headers)
      throws IOException, InterruptedException {
    HttpRequest.Builder b =
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port() + path))
            .header("Content-Type", "application/x-www-form-urlencoded")
            .POST(HttpRequest.BodyPublishers.ofString(form));
    headers.forEach(b::header);
    return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
  }

  @Test
  void actionsNeedTheTokenASessionItsCsrfTokenAndTheSameOrigin() throws Exception {
    server.close();
    String token = "0123456789abcdef-token";
    server = start(DashboardConfig.readOnly(spool.layout.root(), 0).withActions(token));
    String self = "http://127.0.0.1:" + server.port();
    Map<String, String> origin = Map.of("Origin", self);
    assertEquals(
        403, post("/action", "action=hold&id=t-wait-1", origin).statusCode(), "no session");
    assertEquals(403, post("/login", "token=wrong-token-xxxxxxxx", origin).statusCode());
    assertEquals(
        403,
        post("/login", "token=" + token, Map.of("Origin", "http://evil.example")).statusCode(),
        "login from another origin");
    HttpResponse<String> login = post("/login", "token=" + token, origin);
    assertEquals(303, login.statusCode());
    String cookie = login.headers().firstValue("Set-Cookie").orElseThrow();
    assertTrue(cookie.contains("HttpOnly") && cookie.contains("SameSite=Strict"), cookie);
    String session = cookie.substring(0, cookie.indexOf(';'));
    String page =
        http.send(
                HttpRequest.newBuilder(URI.create(self + "/task?id=t-wait-1"))
                    .header("Cookie", session)
                    .build(),
                HttpResponse.BodyHandlers.ofString())
            .body();
    Matcher m = Pattern.compile("name=\"csrf\" value=\"([^\"]+)\"").matcher(page);
    assertTrue(m.find(), page);
    String csrf = m.group(1);
    Map<String, String> sessionOnly = Map.of("Cookie", session, "Origin", self);
    assertEquals(
        403, post("/action", "action=hold&id=t-wait-1", sessionOnly).statusCode(), "no csrf");
    assertEquals(
        403,
        post("/action", "action=hold&id=t-wait-1&csrf=forged", sessionOnly).statusCode(),
        "wrong csrf");
    assertEquals(
        403,
        post(
                "/action",
                "action=hold&id=t-wait-1&csrf=" + csrf,
                Map.of("Cookie", session, "Origin", "http://evil.example"))
            .statusCode(),
        "cross-origin");
    assertEquals(
        403,
        post("/action", "action=hold&id=t-wait-1&csrf=" + csrf, Map.of("Cookie", session))
            .statusCode(),
        "neither Origin nor Referer");
    HttpResponse<String> ok = post("/action", "action=hold&id=t-wait-1&csrf=" + csrf, sessionOnly);
    assertEquals(200, ok.statusCode(), ok.body());
    assertTrue(ok.body().contains("now held"), ok.body());
    assertTrue(Files.exists(spool.layout.path(new TaskName.Parked(TaskState.HELD, "t-wait-1", 1))));
    HttpResponse<String> bearer =
        post("/action", "action=release&id=t-wait-1", Map.of("Authorization", "Bearer " + token));
    assertEquals(200, bearer.statusCode(), bearer.body());
    assertEquals(
        403,
        post("/action", "action=hold&id=t-wait-1", Map.of("Authorization", "Bearer nope"))
            .statusCode());
    HttpResponse<String> cancel =
        post("/action", "action=cancel&id=t-run", Map.of("Authorization", "Bearer " + token));
    assertTrue(cancel.body().contains("cancel requested"), cancel.body());
    assertTrue(Files.exists(spool.layout.cancelRequest("t-run")));
    HttpResponse<String> drain =
        post("/action", "action=drain&worker=w2", Map.of("Authorization", "Bearer " + token));
    assertTrue(drain.body().contains("drain requested"), drain.body());
    assertTrue(Files.exists(spool.layout.drainRequest("w2")));
  }

  /** Logs in and returns the session cookie and the CSRF token of its pages. */
  String[] login(String token) throws Exception {
    String self = "http://127.0.0.1:" + server.port();
    HttpResponse<String> login = post("/login", "token=" + token, Map.of("Origin", self));
    assertEquals(303, login.statusCode());
    String cookie = login.headers().firstValue("Set-Cookie").orElseThrow();
    String session = cookie.substring(0, cookie.indexOf(';'));
    String page =
        http.send(
                HttpRequest.newBuilder(URI.create(self + "/")).header("Cookie", session).build(),
                HttpResponse.BodyHandlers.ofString())
            .body();
    Matcher m = Pattern.compile("name=\"csrf\" value=\"([^\"]+)\"").matcher(page);
    assertTrue(m.find(), page);
    return new String[] {session, m.group(1)};
  }

  @Test
  void sessionsEndAtLogoutAndAfterTheirLifetime() throws Exception {
    server.close();
    String token = "0123456789abcdef-token";
    java.util.concurrent.atomic.AtomicLong nanos = new java.util.concurrent.atomic.AtomicLong();
    server =
        DashboardServer.start(
            DashboardConfig.readOnly(spool.layout.root(), 0).withActions(token),
            Clock.systemUTC(),
            nanos::get);
    String self = "http://127.0.0.1:" + server.port();
    String[] s = login(token);
    Map<String, String> headers = Map.of("Cookie", s[0], "Origin", self);
    assertEquals(
        200, post("/action", "action=hold&id=t-wait-1&csrf=" + s[1], headers).statusCode());
    nanos.addAndGet(ActionGuard.SESSION_TTL.plusSeconds(1).toNanos());
    HttpResponse<String> expired =
        post("/action", "action=release&id=t-wait-1&csrf=" + s[1], headers);
    assertEquals(403, expired.statusCode());
    assertTrue(expired.body().contains("log in"), expired.body());
    String[] again = login(token);
    Map<String, String> h2 = Map.of("Cookie", again[0], "Origin", self);
    HttpResponse<String> out = post("/logout", "csrf=" + again[1], h2);
    assertEquals(303, out.statusCode());
    assertTrue(out.headers().firstValue("Set-Cookie").orElseThrow().contains("Max-Age=0"));
    assertEquals(
        403, post("/action", "action=release&id=t-wait-1&csrf=" + again[1], h2).statusCode());
  }

  @Test
  void aForeignHostNameIsRefused() throws Exception {
    try (Socket s = new Socket("127.0.0.1", server.port())) {
      OutputStream out = s.getOutputStream();
      out.write(
          "GET / HTTP/1.1\r\nHost: evil.example:8080\r\nConnection: close\r\n\r\n"
              .getBytes(StandardCharsets.US_ASCII));
      out.flush();
      InputStream in = s.getInputStream();
      String response = new String(in.readAllBytes(), StandardCharsets.US_ASCII);
      assertTrue(response.startsWith("HTTP/1.1 421"), response);
    }
    assertEquals(200, get("/").statusCode());
    assertEquals(404, get("/nowhere").statusCode());
    assertEquals(200, get("/static/app.js").statusCode());
    assertEquals(200, get("/login").statusCode());
  }
}
