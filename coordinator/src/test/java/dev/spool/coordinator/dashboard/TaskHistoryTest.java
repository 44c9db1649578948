package dev.spool.coordinator.dashboard;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.spool.coordinator.wal.WriteAheadLog;
import dev.spool.protocol.fs.AtomicFiles;
import dev.spool.protocol.fs.FileOps;
import dev.spool.protocol.wal.WalRecord;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** A task's decisions from the write-ahead log: in order, bounded, deduplicated, escaped. */
@Timeout(60)
class TaskHistoryTest {
  static final Instant AT = Instant.parse("2026-11-21T12:00:00Z");

  @TempDir Path tmp;

  static WalRecord draft(String op, String task, int attempt, String reason) {
    return new WalRecord(
        null,
        0L,
        0L,
        AT.plusSeconds(attempt),
        op,
        task,
        attempt,
        "failed/" + task + "~" + attempt + ".json",
        "scheduled/x",
        reason,
        null,
        null);
  }

  WriteAheadLog open(Path dir) throws Exception {
    return WriteAheadLog.open(dir, 1, new AtomicFiles(FileOps.real(), dir, false));
  }

  @Test
  void aLongHistoryKeepsTheLastDecisionsInOrderWithTheirCount() throws Exception {
    Path dir = tmp.resolve("wal");
    java.nio.file.Files.createDirectories(dir);
    TaskHistory h = new TaskHistory(dir);
    try (WriteAheadLog wal = open(dir)) {
      for (int a = 1; a <= 250; a++) {
        wal.appendUnforced(draft("retry", "long", a, "plain_failure"));
        wal.appendUnforced(draft("retry", "other", a, "plain_failure"));
      }
      wal.append(draft("dead", "long", 251, "max_retries"));
    }
    TaskHistory.View v = h.of("long");
    assertEquals(251, v.total());
    assertEquals(TaskHistory.KEEP, v.entries().size());
    assertEquals(251 - TaskHistory.KEEP, v.hidden());
    assertEquals("dead", v.entries().get(v.entries().size() - 1).op(), "the last decision last");
    List<Long> seqs = new ArrayList<>();
    v.entries().forEach(e -> seqs.add(e.seq()));
    List<Long> sorted = new ArrayList<>(seqs);
    sorted.sort(null);
    assertEquals(sorted, seqs, "in log order");
    assertEquals(0, h.of("nobody").total());
  }

  @Test
  void recordsRepeatedByACompactionAreCountedOnce() throws Exception {
    Path dir = tmp.resolve("wal");
    java.nio.file.Files.createDirectories(dir);
    TaskHistory h = new TaskHistory(dir);
    try (WriteAheadLog wal = open(dir)) {
      List<WalRecord> kept = new ArrayList<>();
      for (int a = 1; a <= 5; a++) {
        kept.add(wal.append(draft("retry", "t", a, "plain_failure")));
      }
      assertEquals(5, h.of("t").total());
      wal.compact(kept.subList(3, 5));
      wal.append(draft("dead", "t", 6, "max_retries"));
    }
    TaskHistory.View v = h.of("t");
    assertEquals(6, v.total(), "two kept records seen again are not counted twice");
    assertEquals(6, v.entries().size(), "what was read before the compaction is kept");
  }

  @Test
  void theTaskPageShowsTheHistoryWithANoteWhenCutAndEscapesReasons() throws Exception {
    SeededSpool spool = new SeededSpool(tmp.resolve("spool"));
    spool.run("t-bad", "build", Map.of(), 2, "partial\n");
    spool.kill("t-bad", 1);
    spool.run("t-quiet", "build", Map.of(), 0, "");
    try (WriteAheadLog wal = open(spool.layout.wal())) {
      for (int a = 1; a <= 130; a++) {
        wal.appendUnforced(draft("retry", "t-bad", a, "exit 2"));
      }
      wal.append(draft("dead", "t-bad", 131, DashboardHttpTest.HOSTILE));
    }
    try (DashboardServer server =
        DashboardServer.start(
            DashboardConfig.readOnly(spool.layout.root(), 0)
                .withPeriods(
                    Duration.ofSeconds(60), Duration.ofMillis(200), Duration.ofSeconds(15)),
            Clock.systemUTC(),
            System::nanoTime)) {
      HttpClient http = HttpClient.newHttpClient();
      String html = get(http, server, "/task?id=t-bad");
      assertTrue(html.contains("<h2>History</h2>"), html);
      assertTrue(
          html.contains("Showing the last 100 of 131 decisions; 31 earlier ones are not shown."),
          html);
      assertEquals(100, html.split("<tr class=\"decision\">", -1).length - 1);
      assertTrue(html.contains("<td>dead</td><td>131</td>"), html);
      assertFalse(html.contains(DashboardHttpTest.HOSTILE), "a reason is never markup");
      assertTrue(html.contains("&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;"), html);
      String quiet = get(http, server, "/task?id=t-quiet");
      assertTrue(quiet.contains("id=\"history-none\""), "no decision, said so: " + quiet);
    }
  }

  static String get(HttpClient http, DashboardServer server, String path) throws Exception {
    return http.send(
            HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port() + path)).build(),
            HttpResponse.BodyHandlers.ofString())
        .body();
  }
}
