package dev.spool.deploy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/**
 * A headless Chromium driven through chromedriver's W3C WebDriver HTTP protocol with the JDK's
 * HttpClient: no Selenium, no browser download. Chromium and chromedriver come from Debian
 * (scripts/test-deps.sh). Not thread-safe.
 */
final class WebDriverClient implements AutoCloseable {
  private static final String ELEMENT = "element-6066-11e4-a52e-4f735466cecf";
  private static final ObjectMapper JSON = new ObjectMapper();

  private final Process driver;
  private final String base;
  private final HttpClient http = HttpClient.newHttpClient();
  private String session;

  private WebDriverClient(Process driver, int port) {
    this.driver = driver;
    this.base = "http://127.0.0.1:" + port;
  }

  /** The reason the browser cannot run here, or empty when chromium and chromedriver exist. */
  static Optional<String> unavailable() {
    for (String tool : List.of("chromium", "chromedriver")) {
      if (which(tool).isEmpty()) {
        return Optional.of(tool + " is not installed (scripts/test-deps.sh installs it)");
      }
    }
    return Optional.empty();
  }

  static Optional<Path> which(String tool) {
    for (String dir : System.getenv().getOrDefault("PATH", "/usr/bin").split(":")) {
      Path p = Path.of(dir, tool);
      if (Files.isExecutable(p)) {
        return Optional.of(p);
      }
    }
    return Optional.empty();
  }

  /** Starts chromedriver and a fresh headless Chromium with its own profile in {@code profile}. */
  static WebDriverClient start(Path profile, Path driverLog) throws IOException {
    int port;
    try (ServerSocket s = new ServerSocket(0)) {
      port = s.getLocalPort();
    }
    Process p =
        new ProcessBuilder(which("chromedriver").orElseThrow().toString(), "--port=" + port)
            .redirectErrorStream(true)
            .redirectOutput(driverLog.toFile())
            .start();
    WebDriverClient c = new WebDriverClient(p, port);
    try {
      c.awaitReady();
      c.newSession(profile);
    } catch (IOException | RuntimeException e) {
      c.close();
      throw e;
    }
    return c;
  }

  private void awaitReady() throws IOException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
    while (true) {
      try {
        JsonNode s = call("GET", "/status", null);
        if (s.path("ready").asBoolean()) {
          return;
        }
      } catch (IOException e) {
        if (System.nanoTime() - deadline > 0) {
          throw new IOException("chromedriver did not start: " + e.getMessage(), e);
        }
      }
      if (!driver.isAlive()) {
        throw new IOException("chromedriver exited with " + driver.exitValue());
      }
      LockSupport.parkNanos(100_000_000L);
    }
  }

  private void newSession(Path profile) throws IOException {
    ObjectNode req = JSON.createObjectNode();
    ObjectNode always = req.putObject("capabilities").putObject("alwaysMatch");
    always.put("browserName", "chrome");
    ObjectNode chrome = always.putObject("goog:chromeOptions");
    chrome.put("binary", which("chromium").orElseThrow().toString());
    List<String> args =
        new ArrayList<>(
            List.of(
                "--headless",
                "--no-sandbox",
                "--disable-gpu",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
                "--no-first-run",
                "--disable-dev-shm-usage",
                "--window-size=1280,1000",
                "--user-data-dir=" + profile.toAbsolutePath()));
    args.forEach(chrome.putArray("args")::add);
    session = call("POST", "/session", req).get("sessionId").asText();
  }

  void open(String url) throws IOException {
    ObjectNode body = JSON.createObjectNode().put("url", url);
    call("POST", "/session/" + session + "/url", body);
  }

  /** The element matching a CSS selector, or empty. */
  Optional<String> find(String css) throws IOException {
    ObjectNode body = JSON.createObjectNode().put("using", "css selector").put("value", css);
    try {
      return Optional.of(
          call("POST", "/session/" + session + "/element", body).get(ELEMENT).asText());
    } catch (NoSuchElement e) {
      return Optional.empty();
    }
  }

  String element(String css) throws IOException {
    return find(css).orElseThrow(() -> new AssertionError("no element " + css));
  }

  String text(String css) throws IOException {
    return call("GET", "/session/" + session + "/element/" + element(css) + "/text", null).asText();
  }

  void click(String css) throws IOException {
    call(
        "POST",
        "/session/" + session + "/element/" + element(css) + "/click",
        JSON.createObjectNode());
  }

  void type(String css, String text) throws IOException {
    call(
        "POST",
        "/session/" + session + "/element/" + element(css) + "/value",
        JSON.createObjectNode().put("text", text));
  }

  /** Runs a script in the page (arguments none) and returns its JSON value. */
  JsonNode script(String js) throws IOException {
    ObjectNode body = JSON.createObjectNode().put("script", js);
    body.putArray("args");
    return call("POST", "/session/" + session + "/execute/sync", body);
  }

  /** Runs an async script; it must call {@code arguments[0](value)}. */
  JsonNode asyncScript(String js) throws IOException {
    ObjectNode body = JSON.createObjectNode().put("script", js);
    body.putArray("args");
    return call("POST", "/session/" + session + "/execute/async", body);
  }

  /** Text of an open alert dialog, or empty when none is open. */
  Optional<String> alertText() throws IOException {
    try {
      return Optional.of(call("GET", "/session/" + session + "/alert/text", null).asText());
    } catch (NoSuchElement e) {
      return Optional.empty();
    }
  }

  void screenshot(Path png) throws IOException {
    String b64 = call("GET", "/session/" + session + "/screenshot", null).asText();
    Files.createDirectories(png.getParent());
    Files.write(png, Base64.getDecoder().decode(b64));
  }

  /** A WebDriver "no such element" or "no such alert" answer: an expected miss. */
  static final class NoSuchElement extends IOException {
    private static final long serialVersionUID = 1L;

    NoSuchElement(String m) {
      super(m);
    }
  }

  private JsonNode call(String method, String path, JsonNode body) throws IOException {
    HttpRequest.Builder b =
        HttpRequest.newBuilder(URI.create(base + path)).timeout(Duration.ofSeconds(60));
    if (body == null) {
      b.method(method, HttpRequest.BodyPublishers.noBody());
    } else {
      b.header("Content-Type", "application/json")
          .method(method, HttpRequest.BodyPublishers.ofByteArray(JSON.writeValueAsBytes(body)));
    }
    HttpResponse<byte[]> r;
    try {
      r = http.send(b.build(), HttpResponse.BodyHandlers.ofByteArray());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException("interrupted", e);
    }
    JsonNode value = JSON.readTree(r.body()).path("value");
    if (r.statusCode() != 200) {
      String error = value.path("error").asText();
      if (error.equals("no such element") || error.equals("no such alert")) {
        throw new NoSuchElement(error);
      }
      throw new IOException(
          method + " " + path + ": " + r.statusCode() + " " + error + ": " + value.path("message"));
    }
    return value;
  }

  @Override
  public void close() {
    try {
      if (session != null) {
        call("DELETE", "/session/" + session, null);
      }
    } catch (IOException e) {
      // The driver is killed next anyway.
    }
    driver.destroy();
    try {
      if (!driver.waitFor(10, TimeUnit.SECONDS)) {
        driver.destroyForcibly();
      }
    } catch (InterruptedException e) {
      driver.destroyForcibly();
      Thread.currentThread().interrupt();
    }
  }
}
