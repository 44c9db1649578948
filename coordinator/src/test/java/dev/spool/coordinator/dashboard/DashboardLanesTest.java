package dev.spool.coordinator.dashboard;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.spool.protocol.fs.AtomicFiles;
import dev.spool.protocol.fs.FileOps;
import dev.spool.protocol.json.SpoolJson;
import dev.spool.protocol.lanes.AccountEntry;
import dev.spool.protocol.lanes.LaneMark;
import dev.spool.protocol.lanes.LaneStates;
import dev.spool.protocol.lanes.QuotaRule;
import dev.spool.protocol.lanes.QuotaSlots;
import dev.spool.protocol.spool.TaskName;
import dev.spool.protocol.testing.Await;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Lanes and accounts on the overview and in /metrics: what {@code spool lanes} reads (usable,
 * cooling until when, disabled; running attempts; quota use; last error), including names and
 * errors from hostile files.
 */
@Timeout(60)
class DashboardLanesTest {
  static final String HOSTILE = DashboardHttpTest.HOSTILE;

  @TempDir Path tmp;
  SeededSpool spool;
  DashboardServer server;
  Instant until;
  final HttpClient http = HttpClient.newHttpClient();

  @BeforeEach
  void seed() throws Exception {
    spool = new SeededSpool(tmp.resolve("spool"));
    AtomicFiles files = new AtomicFiles(FileOps.real(), spool.layout.tmp(), false);
    LaneStates lanes = new LaneStates(spool.layout, files);
    QuotaRule hourly = new QuotaRule("hourly", 50, Duration.ofHours(1), null);
    Instant now = Instant.now();
    lanes.register(new AccountEntry("gemini", "acct-a", false, null, List.of(hourly), "w1", now));
    lanes.register(new AccountEntry("gemini", "acct-b", false, null, List.of(hourly), "w1", now));
    lanes.register(new AccountEntry("qwen", "main", false, null, List.of(), "w1", now));
    QuotaSlots slots = new QuotaSlots(spool.layout, files);
    for (int i = 0; i < 3; i++) {
      slots.tryTake("gemini", "acct-a", List.of(hourly), now, "t~1 w1").orElseThrow();
    }
    until = now.plus(Duration.ofMinutes(30)).truncatedTo(ChronoUnit.SECONDS);
    lanes.coolDown(
        new LaneMark("gemini", "acct-b", until, "rate_limited", "429 " + HOSTILE, now, "w1"));
    lanes.disable(new LaneMark("qwen", "main", null, "auth_expired", "token expired", now, "w1"));
    // An attempt running on gemini/acct-a: its claim and the lane log the worker writes.
    TaskName.Claimed c = spool.claim(spool.submit("t-lane", "review", Map.of()), "w1");
    Files.writeString(spool.layout.laneLog(c.id(), c.attempt()), "gemini acct-a\n");
    // Names no worker could write: a lane and an account outside the grammar, a damaged mark.
    Path states = spool.layout.laneStates();
    Files.createDirectories(states.resolve("<img src=x onerror=alert(1)>"));
    Files.writeString(states.resolve("gemini").resolve("<svg onload=alert(1)>.cooldown"), "{}");
    Files.writeString(states.resolve("qwen").resolve("broken.cooldown"), "{not json " + HOSTILE);
    server =
        DashboardServer.start(
            DashboardConfig.readOnly(spool.layout.root(), 0)
                .withPeriods(
                    Duration.ofSeconds(60), Duration.ofMillis(200), Duration.ofSeconds(15)),
            java.time.Clock.systemUTC(),
            System::nanoTime);
  }

  @AfterEach
  void stop() {
    server.close();
  }

  String body(String path) throws Exception {
    return http.send(
            HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port() + path)).build(),
            HttpResponse.BodyHandlers.ofString())
        .body();
  }

  @Test
  void overviewShowsEachAccountWithCooldownQuotaUseAndLastError() throws Exception {
    String html = body("/");
    assertTrue(html.contains("<h2>Lanes</h2>"), html);
    assertTrue(
        html.contains(
            "<td>gemini</td><td>acct-a</td><td class=\"lane-usable\">usable</td><td></td>"
                + "<td>1</td><td>hourly 3/50 (47 left)</td>"),
        "in use 1, quota used 3 of 50: " + html);
    assertTrue(
        html.contains(
            "<td>acct-b</td><td class=\"lane-cooling\">cooling</td><td>" + until + " (in 2"),
        "cooling until the mark's end: " + html);
    assertTrue(html.contains("rate_limited: 429 &lt;script&gt;"), "last error, escaped: " + html);
    assertTrue(html.contains("<td>main</td><td class=\"lane-disabled\">disabled</td>"), html);
    assertTrue(html.contains("auth_expired: token expired"), html);
  }

  @Test
  void hostileLaneAndAccountNamesAndMarksRenderAsText() throws Exception {
    String html = body("/");
    assertFalse(html.contains("<svg onload"), "a hostile account name is never markup");
    assertFalse(html.contains("<img src=x"), "a hostile lane name is never markup");
    assertFalse(html.contains(HOSTILE), "a hostile reason is never markup");
    assertTrue(html.contains("&lt;img src=x onerror=alert(1)&gt;"), html);
    assertTrue(html.contains("&lt;svg onload=alert(1)&gt;"), html);
    assertTrue(html.contains("<td>broken</td><td class=\"lane-unreadable\">unreadable</td>"), html);
    JsonNode j =
        SpoolJson.mapper()
            .readTree(body("/api/overview").getBytes(StandardCharsets.UTF_8))
            .get("lanes");
    assertEquals(6, j.size(), j.toString());
    String metrics = body("/metrics");
    PromText.parse(metrics);
    PromText.checkWithPromtool(metrics);
  }

  @Test
  void metricsCarryCooldownQuotaDisabledAndInUseGauges() throws Exception {
    Map<String, Double> m = PromText.parse(body("/metrics"));
    double left = m.get("spool_lane_cooldown_seconds{account=\"acct-b\",lane=\"gemini\"}");
    assertTrue(left > 1700 && left <= 1800, "about 30 minutes of cooldown left: " + left);
    assertEquals(0.0, m.get("spool_lane_cooldown_seconds{account=\"acct-a\",lane=\"gemini\"}"));
    assertEquals(1.0, m.get("spool_lane_disabled{account=\"main\",lane=\"qwen\"}"));
    assertEquals(0.0, m.get("spool_lane_disabled{account=\"acct-b\",lane=\"gemini\"}"));
    assertEquals(1.0, m.get("spool_lane_in_use{account=\"acct-a\",lane=\"gemini\"}"));
    assertEquals(
        3.0, m.get("spool_lane_quota_used{account=\"acct-a\",lane=\"gemini\",quota=\"hourly\"}"));
    assertEquals(
        50.0, m.get("spool_lane_quota_limit{account=\"acct-a\",lane=\"gemini\",quota=\"hourly\"}"));
    byte[] once = MetricsCommand.render(spool.layout);
    Map<String, Double> text = PromText.parse(new String(once, StandardCharsets.UTF_8));
    assertEquals(
        3.0,
        text.get("spool_lane_quota_used{account=\"acct-a\",lane=\"gemini\",quota=\"hourly\"}"),
        "spool metrics (the textfile) carries the lane gauges too");
  }

  @Test
  void aClearedCooldownShowsWithoutReload() throws Exception {
    new LaneStates(spool.layout, new AtomicFiles(FileOps.real(), spool.layout.tmp(), false))
        .clear("gemini", "acct-b");
    Await.until(
        Duration.ofSeconds(20),
        "the feed shows acct-b usable again",
        () -> {
          try {
            for (JsonNode r :
                SpoolJson.mapper()
                    .readTree(body("/api/overview").getBytes(StandardCharsets.UTF_8))
                    .get("lanes")) {
              if ("acct-b".equals(r.get("account").asText())) {
                return "usable".equals(r.get("state").asText());
              }
            }
            return false;
          } catch (Exception e) {
            throw new IllegalStateException(e);
          }
        });
  }
}
