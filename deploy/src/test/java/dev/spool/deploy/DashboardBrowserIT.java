package dev.spool.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.spool.coordinator.dashboard.DashboardConfig;
import dev.spool.coordinator.dashboard.DashboardServer;
import dev.spool.coordinator.wal.WriteAheadLog;
import dev.spool.protocol.fs.AtomicFiles;
import dev.spool.protocol.fs.FileOps;
import dev.spool.protocol.lanes.AccountEntry;
import dev.spool.protocol.lanes.LaneMark;
import dev.spool.protocol.lanes.LaneStates;
import dev.spool.protocol.lanes.QuotaRule;
import dev.spool.protocol.lanes.QuotaSlots;
import dev.spool.protocol.spool.SpoolLayout;
import dev.spool.protocol.spool.TaskState;
import dev.spool.protocol.testing.Await;
import dev.spool.protocol.wal.WalRecord;
import dev.spool.worker.Worker;
import dev.spool.worker.config.WorkerConfig;
import java.io.File;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * The dashboard in a real headless Chromium, over a spool a real worker runs: the overview's
 * counts, a task page's attempts and output, a cancel through the UI (refused read-only, done with
 * actions), a hostile label shown as text, and live updates. Screenshots go to target/screenshots/.
 */
@Timeout(240)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class DashboardBrowserIT {
  static final String HOSTILE = "<script>alert('pwned')</script>";
  static final String TOKEN = "browser-it-token-0123456789";
  static final Path SHOTS = Path.of("target", "screenshots");

  @TempDir static Path tmp;
  SpoolLayout layout;
  Worker worker;
  DashboardServer readOnly;
  DashboardServer withActions;
  WebDriverClient browser;

  @BeforeAll
  void start() throws Exception {
    Optional<String> missing = WebDriverClient.unavailable();
    if (missing.isPresent()) {
      System.out.println("SKIPPED DashboardBrowserIT: " + missing.get());
      Assumptions.abort(missing.get());
    }
    Path spool = tmp.resolve("spool");
    spool("init", spool.toString());
    layout = SpoolLayout.open(spool);
    worker =
        new Worker(
            WorkerConfig.builder(spool)
                .workerId("vm1-w")
                .slots(2)
                .allowArgv(true)
                .heartbeatInterval(Duration.ofMillis(300))
                .rescanInterval(Duration.ofMillis(300))
                .killGrace(Duration.ofMillis(500))
                .drainTimeout(Duration.ofMillis(500))
                .scratchDir(tmp.resolve("scratch"))
                .build());
    worker.start();
    for (int i = 1; i <= 3; i++) {
      submit("ok-" + i, "sh", "-c", "echo hello from ok-" + i);
    }
    submit("fail-1", "sh", "-c", "echo partial; echo oops >&2; exit 3");
    spool(
        "submit",
        "--spool",
        spool.toString(),
        "--id",
        "hostile",
        "--label",
        "note=" + HOSTILE,
        "--",
        "sh",
        "-c",
        "echo '<img src=x onerror=alert(1)>'");
    spool(
        "submit",
        "--spool",
        spool.toString(),
        "--id",
        "later",
        "--not-before",
        "+1h",
        "--",
        "true");
    spool("hold", "--spool", spool.toString(), "later");
    Await.until(
        Duration.ofSeconds(60),
        "the worker ran the seeded tasks",
        () -> count(TaskState.DONE) == 4 && count(TaskState.FAILED) == 1);
    seedLanesAndHistory();
    DashboardConfig base =
        DashboardConfig.readOnly(spool, 0)
            .withPeriods(Duration.ofSeconds(2), Duration.ofMillis(500), Duration.ofSeconds(10));
    readOnly = DashboardServer.start(base, Clock.systemUTC(), System::nanoTime);
    withActions =
        DashboardServer.start(base.withActions(TOKEN), Clock.systemUTC(), System::nanoTime);
    browser =
        WebDriverClient.start(tmp.resolve("chromium-profile"), tmp.resolve("chromedriver.log"));
  }

  /**
   * Lane state as workers write it (an account cooling down after a rate limit whose message is
   * hostile, a quota in use, a directory with a hostile name) and a few coordinator decisions about
   * fail-1 in the write-ahead log.
   */
  private void seedLanesAndHistory() throws Exception {
    AtomicFiles files = new AtomicFiles(FileOps.real(), layout.tmp(), false);
    LaneStates lanes = new LaneStates(layout, files);
    Instant now = Instant.now();
    QuotaRule daily = new QuotaRule("daily", 100, Duration.ofDays(1), null);
    lanes.register(new AccountEntry("gemini", "work", false, null, List.of(daily), "vm1-w", now));
    lanes.register(new AccountEntry("gemini", "home", false, null, List.of(daily), "vm1-w", now));
    new QuotaSlots(layout, files).tryTake("gemini", "work", List.of(daily), now, "x~1 vm1-w");
    lanes.coolDown(
        new LaneMark(
            "gemini", "home", now.plusSeconds(1800), "rate_limited", "429 " + HOSTILE, now, "w"));
    Files.createDirectories(layout.laneStates().resolve("<img src=x onerror=alert(3)>"));
    try (WriteAheadLog wal = WriteAheadLog.open(layout.wal(), 1, files)) {
      for (int a = 1; a <= 3; a++) {
        wal.append(
            new WalRecord(
                null,
                0L,
                0L,
                now.plusSeconds(a),
                a < 3 ? "retry" : "dead",
                "fail-1",
                a,
                "failed/fail-1~" + a + ".json",
                a < 3 ? "scheduled/fail-1" : "dead/fail-1.json",
                a < 3 ? "exit 3; retry " + a + " of 2" : "max_retries " + HOSTILE,
                null,
                null));
      }
    }
  }

  private static void spool(String... args) {
    StringWriter err = new StringWriter();
    CommandLine cl = SpoolMain.commandLine(Clock.systemUTC());
    cl.setErr(new PrintWriter(err));
    cl.setOut(new PrintWriter(new StringWriter()));
    int exit = cl.execute(args);
    assertEquals(0, exit, String.join(" ", args) + ": " + err);
  }

  private void submit(String id, String... argv) {
    String[] args = new String[5 + argv.length + 1];
    args[0] = "submit";
    args[1] = "--spool";
    args[2] = layout.root().toString();
    args[3] = "--id";
    args[4] = id;
    args[5] = "--";
    System.arraycopy(argv, 0, args, 6, argv.length);
    spool(args);
  }

  private long count(TaskState s) {
    File[] f = layout.dir(s).toFile().listFiles((d, n) -> !n.startsWith("."));
    return f == null ? 0 : f.length;
  }

  @AfterAll
  void stop() {
    if (browser != null) {
      browser.close();
    }
    for (AutoCloseable c : new AutoCloseable[] {readOnly, withActions, worker}) {
      try {
        if (c != null) {
          c.close();
        }
      } catch (Exception e) {
        System.out.println("close failed: " + e);
      }
    }
  }

  String url(DashboardServer d, String path) {
    return "http://127.0.0.1:" + d.port() + path;
  }

  /** Waits until an element matching {@code css} is there ({@code present}) or gone. */
  void awaitElement(String css, boolean present, String what) {
    Await.until(
        Duration.ofSeconds(30),
        what,
        () -> {
          try {
            return browser.find(css).isPresent() == present;
          } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
          }
        });
  }

  void awaitText(String css, String expected) {
    Await.until(
        Duration.ofSeconds(30),
        css + " shows " + expected,
        () -> {
          try {
            return browser.find(css).isPresent() && browser.text(css).equals(expected);
          } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
          }
        });
  }

  @Test
  void overviewShowsTheSeededCounts() throws Exception {
    browser.open(url(readOnly, "/"));
    awaitText("[data-count=done]", "4");
    browser.script("document.documentElement.setAttribute('data-probe', 'kept'); return 1");
    assertEquals("1", browser.text("[data-count=failed]"));
    assertEquals("1", browser.text("[data-count=held]"));
    assertEquals("0", browser.text("[data-count=pending]"));
    awaitText("tr[data-worker=vm1-w] td.alive", "yes");
    assertTrue(browser.find("#chart polyline.ok").isPresent(), "chart drawn");
    browser.screenshot(SHOTS.resolve("overview.png"));
    submit("ok-live", "sh", "-c", "echo live");
    awaitText("[data-count=done]", "5");
    Await.until(
        Duration.ofSeconds(30),
        "the chart counts the new attempt without a reload",
        () -> {
          try {
            return browser.text("#chart-total").startsWith("1 ok");
          } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
          }
        });
    assertEquals(
        "kept",
        browser
            .script("return String(document.documentElement.getAttribute('data-probe'))")
            .asText(),
        "same document: the page was not reloaded");
    browser.screenshot(SHOTS.resolve("overview-live.png"));
  }

  @Test
  void aTaskPageShowsItsAttemptsAndOutput() throws Exception {
    browser.open(url(readOnly, "/task?id=fail-1"));
    assertEquals("failed", browser.text("#task-state"));
    String attempts = browser.text("table.attempts");
    assertTrue(attempts.contains("vm1-w") && attempts.contains("failed"), attempts);
    assertTrue(attempts.contains(" 3 "), "exit code 3: " + attempts);
    String page = browser.text("main");
    assertTrue(page.contains("partial") && page.contains("oops"), page);
    String history = browser.text("table.history");
    assertTrue(history.contains("retry") && history.contains("dead"), history);
    assertTrue(history.contains("max_retries " + HOSTILE), "the reason as text: " + history);
    assertTrue(browser.alertText().isEmpty(), "no script ran");
    browser.screenshot(SHOTS.resolve("task-failed.png"));
    browser.click("a[href*='stream=err']");
    assertEquals("oops", browser.text("body").strip());
  }

  @Test
  void aScriptLabelRendersAsText() throws Exception {
    browser.open(url(readOnly, "/task?id=hostile"));
    assertEquals("done", browser.text("#task-state"));
    String fields = browser.text("table.fields");
    assertTrue(fields.contains("note=" + HOSTILE), fields);
    assertTrue(browser.text("pre.output").contains("<img src=x onerror=alert(1)>"));
    assertTrue(browser.alertText().isEmpty(), "no script ran");
    assertEquals(1, browser.script("return document.scripts.length").asInt(), "only app.js");
    assertEquals(0, browser.script("return document.images.length").asInt(), "no injected img");
    browser.screenshot(SHOTS.resolve("task-hostile.png"));
    browser.open(url(readOnly, "/tasks?label=note"));
    assertTrue(browser.text("table.tasks").contains(HOSTILE));
    assertTrue(browser.alertText().isEmpty(), "no script ran on the list");
    browser.screenshot(SHOTS.resolve("tasks-hostile.png"));
    browser.open(url(readOnly, "/"));
    String lanes = browser.text("table.lanes");
    assertTrue(lanes.contains("<img src=x onerror=alert(3)>"), "a hostile lane name as text");
    assertTrue(lanes.contains("rate_limited: 429 " + HOSTILE), "a hostile error as text");
    assertTrue(lanes.contains("daily 1/100 (99 left)"), lanes);
    assertTrue(lanes.contains("cooling"), lanes);
    assertEquals(0, browser.script("return document.images.length").asInt(), "no injected img");
    assertTrue(browser.alertText().isEmpty(), "no script ran on the overview");
    browser.screenshot(SHOTS.resolve("overview-lanes.png"));
  }

  @Test
  void theTaskListRefreshesItselfKeepingItsFilter() throws Exception {
    browser.open(url(readOnly, "/tasks?state=scheduled&type="));
    awaitText("#total", "0");
    browser.script("document.documentElement.setAttribute('data-probe', 'kept'); return 1");
    spool(
        "submit",
        "--spool",
        layout.root().toString(),
        "--id",
        "later-live",
        "--not-before",
        "+1h",
        "--",
        "true");
    awaitText("#total", "1");
    awaitElement(
        "#task-rows a[href='/task?id=later-live']",
        true,
        "the new scheduled task is listed without a reload");
    assertEquals(
        "kept",
        browser
            .script("return String(document.documentElement.getAttribute('data-probe'))")
            .asText(),
        "same document: the page was not reloaded");
    assertEquals(
        "scheduled",
        browser.script("return document.querySelector('select[name=state]').value").asText(),
        "the filter is kept");
    assertTrue(
        browser.script("return window.location.search").asText().contains("state=scheduled"));
    assertEquals(
        1,
        browser.script("return document.querySelectorAll('#task-rows tr').length").asInt(),
        "only the filter's tasks");
    browser.screenshot(SHOTS.resolve("tasks-live.png"));
  }

  @Test
  void cancelThroughTheUiIsRefusedReadOnlyAndCancelsARunningTaskWithActions() throws Exception {
    submit("long-1", "sleep", "120");
    Await.until(Duration.ofSeconds(30), "long-1 is running", () -> claimed("long-1").isPresent());
    browser.open(url(readOnly, "/task?id=long-1"));
    awaitText("#task-state", "claimed");
    assertTrue(browser.find("button#cancel").isEmpty(), "read-only: no cancel button");
    int status =
        browser
            .asyncScript(
                "var done = arguments[0];"
                    + "fetch('/action', {method: 'POST', headers: {'Content-Type':"
                    + " 'application/x-www-form-urlencoded'}, body: 'action=cancel&id=long-1'})"
                    + ".then(function (r) { done(r.status); });")
            .asInt();
    assertEquals(403, status, "read-only dashboard refuses a cancel posted from its own page");
    assertTrue(claimed("long-1").isPresent(), "still running");

    browser.open(url(withActions, "/task?id=long-1"));
    assertTrue(browser.find("button#cancel").isEmpty(), "no button before logging in");
    browser.open(url(withActions, "/login"));
    browser.type("#token", TOKEN);
    browser.click("#login");
    // The login answers with a redirect to the overview that sets the session cookie; opening
    // the task page before that answer arrived would look again without the session.
    awaitElement("svg#chart", true, "the login led to the overview");
    browser.open(url(withActions, "/task?id=long-1"));
    browser.screenshot(SHOTS.resolve("task-running.png"));
    browser.click("button#cancel");
    assertTrue(browser.text("#result").contains("cancel requested"), browser.text("main"));
    browser.click("#back");
    Await.until(
        Duration.ofSeconds(30),
        "the worker stopped long-1 and moved it to cancelled/",
        () -> Files.exists(layout.terminal(TaskState.CANCELLED, "long-1")));
    awaitText("#task-state", "cancelled");
    browser.screenshot(SHOTS.resolve("task-cancelled.png"));

    browser.open(url(withActions, "/"));
    browser.script(
        "document.querySelector('#workers tr').setAttribute('data-probe', 'first'); return 1");
    awaitElement("#workers tr[data-probe]", false, "a poll rebuilt the worker rows");
    assertTrue(
        browser.find("tr[data-worker=vm1-w] form input[name=csrf]").isPresent(),
        "the rebuilt row keeps its drain form with the session's CSRF token");
    browser.screenshot(SHOTS.resolve("overview-actions.png"));
  }

  private Optional<Path> claimed(String id) {
    try (Stream<Path> s = Files.list(layout.dir(TaskState.CLAIMED))) {
      return s.filter(p -> p.getFileName().toString().startsWith(id + "~")).findFirst();
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }
}
