package dev.spool.coordinator.dashboard;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.spool.coordinator.ops.ActionResult;
import dev.spool.coordinator.ops.OperatorActions;
import dev.spool.coordinator.submit.TaskLocator;
import dev.spool.coordinator.view.TaskView;
import dev.spool.protocol.Require;
import dev.spool.protocol.fs.AtomicFiles;
import dev.spool.protocol.fs.FileOps;
import dev.spool.protocol.json.SpoolJson;
import dev.spool.protocol.spool.SpoolLayout;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The web dashboard: server-rendered pages, a JSON feed for live updates, {@code /metrics}, and
 * (only with --allow-actions) the operator actions, on the JDK's HTTP server. Pages read the
 * in-memory index, never a whole directory. Responses carry a strict Content-Security-Policy and
 * every value that comes from a task file is escaped.
 *
 * <p>After a crash nothing needs recovery: the dashboard writes nothing but what an operator's
 * action writes (through {@link OperatorActions}), and it rebuilds its index from the spool at
 * start. Thread-safe; {@link #close} stops the server and its threads.
 */
public final class DashboardServer implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(DashboardServer.class);

  static {
    // The JDK server writes headers and body separately; without TCP_NODELAY, Nagle's algorithm
    // and the client's delayed ACK add about 40 ms to every response. Read once, when the first
    // server of the JVM starts; an explicit -D setting wins.
    if (System.getProperty("sun.net.httpserver.nodelay") == null) {
      System.setProperty("sun.net.httpserver.nodelay", "true");
    }
  }

  private final SpoolObserver observer;
  private final ActionGuard guard;
  private final OperatorActions actions;
  private final HttpServer server;
  private final ExecutorService pool;

  private DashboardServer(
      DashboardConfig config,
      SpoolObserver observer,
      HttpServer server,
      Clock clock,
      LongSupplier nanos) {
    this.observer = observer;
    this.guard = new ActionGuard(config.allowActions(), config.token(), config.bind(), nanos);
    this.actions =
        new OperatorActions(
            observer.layout(),
            new AtomicFiles(FileOps.real(), observer.layout().tmp(), true),
            clock,
            "dashboard");
    this.server = server;
    this.pool =
        Executors.newFixedThreadPool(
            4,
            r -> {
              Thread t = new Thread(r, "spool-dashboard-http");
              t.setDaemon(true);
              return t;
            });
  }

  /**
   * Indexes the spool (one listing of each state directory, waiting at most {@link
   * DashboardConfig#firstScanWithin}), then binds the port and serves. The port is not bound before
   * the index is complete, so no client ever sees a page of a cold, empty index. Returns once the
   * server listens.
   *
   * @throws IOException if the spool cannot be opened, the first scan failed or took too long, or
   *     the port cannot be bound; nothing is left running then
   */
  public static DashboardServer start(DashboardConfig config, Clock clock, LongSupplier nanos)
      throws IOException {
    return start(config, clock, nanos, () -> {});
  }

  /** The same, running {@code beforeFirstScan} on the index thread first (tests). */
  static DashboardServer start(
      DashboardConfig config, Clock clock, LongSupplier nanos, Runnable beforeFirstScan)
      throws IOException {
    SpoolLayout layout = Spools.open(config.spool());
    SpoolObserver observer = new SpoolObserver(layout, clock, nanos, config.deadAfter());
    DashboardServer d;
    try {
      observer.maintainer().beforeFirstScan(beforeFirstScan);
      long t0 = nanos.getAsLong();
      observer.start(config.rescanEvery(), config.sampleEvery(), config.firstScanWithin());
      log.info(
          "dashboard_indexed tasks={} millis={}",
          observer.index().size(),
          (nanos.getAsLong() - t0) / 1_000_000);
      HttpServer server =
          HttpServer.create(new InetSocketAddress(config.bind(), config.port()), 64);
      d = new DashboardServer(config, observer, server, clock, nanos);
    } catch (IOException | RuntimeException e) {
      observer.close();
      throw e;
    }
    d.server.createContext("/", d::handle);
    d.server.setExecutor(d.pool);
    d.server.start();
    log.info(
        "dashboard_started address={} port={} actions={}",
        config.bind().getHostAddress(),
        d.port(),
        config.allowActions());
    return d;
  }

  /** The port the server listens on. */
  public int port() {
    return server.getAddress().getPort();
  }

  /**
   * Samples heartbeats and the oldest pending task now (tests; the sampler does it periodically).
   */
  public void sampleNow() throws IOException {
    observer.sample();
  }

  /** Tasks the index holds now. */
  public long indexedTasks() {
    return observer.index().size();
  }

  /** Tasks whose file the background reader has not read yet (benchmark). */
  long unreadTasks() {
    return observer.index().unread();
  }

  private void handle(HttpExchange ex) throws IOException {
    try {
      if (!guard.hostAllowed(ex)) {
        HttpIo.text(ex, 421, "unknown host name; use localhost or 127.0.0.1");
        return;
      }
      String path = ex.getRequestURI().getPath();
      String method = ex.getRequestMethod();
      boolean post = "POST".equals(method);
      if (!post && !"GET".equals(method) && !"HEAD".equals(method)) {
        HttpIo.text(ex, 405, "method not allowed");
        return;
      }
      if (post) {
        handlePost(ex, path);
      } else {
        handleGet(ex, path);
      }
    } catch (IOException | RuntimeException e) {
      log.warn("request_failed uri={} consequence=500 answered", ex.getRequestURI(), e);
      try {
        HttpIo.text(ex, 500, "internal error; see the dashboard's log");
      } catch (IOException | RuntimeException ignored) {
        ex.close();
      }
    }
  }

  private void handleGet(HttpExchange ex, String path) throws IOException {
    String csrf = guard.csrf(ex).orElse(null);
    boolean canAct = guard.actionsAllowed() && csrf != null;
    switch (path) {
      case "/":
        HttpIo.html(ex, 200, OverviewPage.render(observer, csrf, canAct));
        return;
      case "/tasks":
        HttpIo.html(ex, 200, TaskListPage.render(observer, HttpIo.query(ex), csrf));
        return;
      case "/task":
        task(ex, csrf, canAct);
        return;
      case "/log":
        log(ex);
        return;
      case "/api/overview":
        HttpIo.json(ex, SpoolJson.writeOutput(OverviewPage.json(observer)));
        return;
      case "/api/tasks":
        HttpIo.json(ex, SpoolJson.writeOutput(TaskListPage.json(observer, HttpIo.query(ex))));
        return;
      case "/api/task":
        apiTask(ex);
        return;
      case "/metrics":
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        observer.metrics().write(out);
        HttpIo.send(ex, 200, SpoolMetrics.contentType(), out.toByteArray());
        return;
      case "/login":
        HttpIo.html(ex, 200, LoginPage.render(guard.actionsAllowed(), null));
        return;
      case "/static/app.js":
        HttpIo.resource(ex, "app.js", "text/javascript; charset=utf-8");
        return;
      case "/static/app.css":
        HttpIo.resource(ex, "app.css", "text/css; charset=utf-8");
        return;
      default:
        HttpIo.text(ex, 404, "not found");
    }
  }

  private void handlePost(HttpExchange ex, String path) throws IOException {
    Map<String, String> form = HttpIo.form(ex);
    if ("/login".equals(path)) {
      Optional<String> cookie = guard.login(ex, form.get("token"));
      if (cookie.isPresent()) {
        HttpIo.redirect(ex, "/", cookie.get());
      } else {
        HttpIo.html(ex, 403, LoginPage.render(guard.actionsAllowed(), "wrong token or origin"));
      }
      return;
    }
    if (!"/action".equals(path) && !"/logout".equals(path)) {
      HttpIo.text(ex, 404, "not found");
      return;
    }
    Optional<ActionGuard.Refusal> refusal = guard.check(ex, form);
    if (refusal.isPresent()) {
      log.info("action_refused uri={} reason={}", path, refusal.get().message());
      HttpIo.html(
          ex, refusal.get().status(), LoginPage.result("Refused", refusal.get().message(), null));
      return;
    }
    if ("/logout".equals(path)) {
      guard.logout(ex);
      HttpIo.redirect(
          ex, "/", ActionGuard.COOKIE + "=; Path=/; Max-Age=0; HttpOnly; SameSite=Strict");
      return;
    }
    act(ex, form);
  }

  private void act(HttpExchange ex, Map<String, String> form) throws IOException {
    String action = form.getOrDefault("action", "");
    String id = form.get("id");
    String worker = form.get("worker");
    try {
      ActionResult r;
      if ("drain".equals(action) && worker != null) {
        Require.id(worker, "worker");
        r = actions.drain(worker);
      } else if (id != null) {
        Require.id(id, "id");
        switch (action) {
          case "cancel" -> r = actions.cancel(id, "cancelled from the dashboard");
          case "hold" -> r = actions.hold(id);
          case "release" -> r = actions.release(id);
          case "retry" -> r = actions.retry(id);
          default -> r = null;
        }
      } else {
        r = null;
      }
      if (r == null) {
        HttpIo.text(ex, 400, "unknown action");
        return;
      }
      log.info("action_done action={} task={} worker={} result={}", action, id, worker, r);
      HttpIo.html(ex, 200, LoginPage.result(action, LoginPage.describe(r), id));
    } catch (IllegalArgumentException e) {
      HttpIo.text(ex, 400, "bad request: " + e.getMessage());
    }
  }

  private void task(HttpExchange ex, String csrf, boolean canAct) throws IOException {
    Optional<TaskView> v = lookup(HttpIo.query(ex).get("id"));
    if (v.isEmpty()) {
      HttpIo.text(ex, 404, "no such task");
      return;
    }
    HttpIo.html(ex, 200, TaskPage.render(observer, v.get(), csrf, canAct, guard.actionsAllowed()));
  }

  private void apiTask(HttpExchange ex) throws IOException {
    Optional<TaskView> v = lookup(HttpIo.query(ex).get("id"));
    if (v.isEmpty()) {
      HttpIo.text(ex, 404, "no such task");
      return;
    }
    HttpIo.json(ex, SpoolJson.writeOutput(TaskPage.json(v.get())));
  }

  private Optional<TaskView> lookup(String id) throws IOException {
    if (id == null) {
      return Optional.empty();
    }
    try {
      Require.id(id, "id");
    } catch (IllegalArgumentException e) {
      return Optional.empty();
    }
    return TaskPage.find(observer, id);
  }

  /** The whole log of one attempt, streamed as plain text (never rendered as HTML). */
  private void log(HttpExchange ex) throws IOException {
    Map<String, String> q = HttpIo.query(ex);
    String id = q.get("id");
    int attempt;
    try {
      Require.id(id, "id");
      attempt = Integer.parseInt(q.getOrDefault("attempt", ""));
    } catch (IllegalArgumentException | NullPointerException e) {
      HttpIo.text(ex, 400, "need id and attempt");
      return;
    }
    SpoolLayout layout = observer.layout();
    Path p =
        "err".equals(q.get("stream"))
            ? layout.stderrLog(id, attempt)
            : layout.stdoutLog(id, attempt);
    if (attempt < 1) {
      HttpIo.text(ex, 404, "no such log");
      return;
    }
    if (!Files.isRegularFile(p, LinkOption.NOFOLLOW_LINKS)) {
      // A worker creates a log at its stream's first byte (PROTOCOL.md 7.2): an attempt that ran
      // or runs without writing to it has an empty log, not a missing one.
      if (attemptExists(layout, id, attempt)) {
        HttpIo.text(ex, 200, "");
      } else {
        HttpIo.text(ex, 404, "no such log");
      }
      return;
    }
    HttpIo.stream(ex, p);
  }

  /** The attempt has a result, or is the one its task's claim runs now. */
  private static boolean attemptExists(SpoolLayout layout, String id, int attempt)
      throws IOException {
    if (Files.exists(layout.result(id, attempt), LinkOption.NOFOLLOW_LINKS)) {
      return true;
    }
    return new TaskLocator(layout).claimedAttempt(id) == attempt;
  }

  @Override
  public void close() {
    server.stop(0);
    pool.shutdownNow();
    observer.close();
  }
}
