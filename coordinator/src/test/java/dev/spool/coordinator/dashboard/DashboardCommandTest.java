package dev.spool.coordinator.dashboard;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.spool.protocol.testing.Await;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** {@code spool dashboard} and {@code spool metrics} as an operator runs them. */
@Timeout(60)
class DashboardCommandTest {
  @TempDir Path tmp;

  /** Runs {@code spool dashboard ARGS} on a thread until interrupted; returns its output so far. */
  static final class Running implements AutoCloseable {
    final StringWriter out = new StringWriter();
    final Thread thread;

    Running(String... args) {
      CommandLine cl = new CommandLine(new DashboardCommand(Clock.systemUTC()));
      cl.setOut(new PrintWriter(out, true));
      cl.setErr(new PrintWriter(new StringWriter(), true));
      thread = new Thread(() -> cl.execute(args), "dashboard-command-test");
      thread.start();
    }

    String awaitLine(String regex) {
      Pattern p = Pattern.compile(regex);
      Await.until(
          Duration.ofSeconds(30),
          "output matches " + regex,
          () -> p.matcher(out.toString()).find());
      Matcher m = p.matcher(out.toString());
      m.find();
      return m.group(1);
    }

    @Override
    public void close() {
      thread.interrupt();
      try {
        thread.join(10_000);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
  }

  @Test
  void readOnlyByDefaultAndPrintsWhereItListens() throws Exception {
    SeededSpool spool = new SeededSpool(tmp.resolve("spool"));
    spool.run("a", "build", Map.of(), 0, "");
    try (Running r = new Running("--spool", spool.layout.root().toString(), "--port", "0")) {
      String port = r.awaitLine("http://127\\.0\\.0\\.1:(\\d+)/ \\(read-only\\)");
      HttpClient http = HttpClient.newHttpClient();
      HttpResponse<String> page =
          http.send(
              HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/")).build(),
              HttpResponse.BodyHandlers.ofString());
      assertTrue(page.body().contains("data-count=\"done\">1<"), page.body());
      HttpResponse<String> action =
          http.send(
              HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/action"))
                  .header("Authorization", "Bearer anything-at-all-here")
                  .POST(HttpRequest.BodyPublishers.ofString("action=retry&id=a"))
                  .build(),
              HttpResponse.BodyHandlers.ofString());
      assertEquals(403, action.statusCode());
    }
  }

  @Test
  void actionsTakeTheTokenFromTheFileAndDoNotPrintIt() throws Exception {
    SeededSpool spool = new SeededSpool(tmp.resolve("spool"));
    spool.submit("p", null, Map.of());
    Path tokenFile = tmp.resolve("token");
    Files.writeString(tokenFile, "a-token-from-a-file-123\n");
    try (Running r =
        new Running(
            "--spool",
            spool.layout.root().toString(),
            "--port",
            "0",
            "--allow-actions",
            "--token-file",
            tokenFile.toString())) {
      String port = r.awaitLine("http://127\\.0\\.0\\.1:(\\d+)/ \\(actions allowed\\)");
      assertTrue(!r.out.toString().contains("a-token-from-a-file"), "the token is not printed");
      HttpResponse<String> hold =
          HttpClient.newHttpClient()
              .send(
                  HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/action"))
                      .header("Authorization", "Bearer a-token-from-a-file-123")
                      .header("Content-Type", "application/x-www-form-urlencoded")
                      .POST(HttpRequest.BodyPublishers.ofString("action=hold&id=p"))
                      .build(),
                  HttpResponse.BodyHandlers.ofString());
      assertEquals(200, hold.statusCode(), hold.body());
      assertTrue(hold.body().contains("now held"), hold.body());
    }
  }

  @Test
  void aGeneratedTokenIsPrinted() throws Exception {
    SeededSpool spool = new SeededSpool(tmp.resolve("spool"));
    try (Running r =
        new Running("--spool", spool.layout.root().toString(), "--port", "0", "--allow-actions")) {
      String token = r.awaitLine("access token: (\\S+)");
      assertTrue(token.length() >= 16, token);
    }
  }

  @Test
  void metricsPrintsTheGaugesToStdout() throws Exception {
    SeededSpool spool = new SeededSpool(tmp.resolve("spool"));
    spool.submit("p", null, Map.of());
    StringWriter out = new StringWriter();
    CommandLine cl = new CommandLine(new MetricsCommand());
    cl.setOut(new PrintWriter(out, true));
    assertEquals(0, cl.execute("--spool", spool.layout.root().toString()));
    assertEquals(1.0, PromText.parse(out.toString()).get("spool_tasks{state=\"pending\"}"));
  }
}
