package dev.spool.coordinator.dashboard;

import dev.spool.protocol.json.SpoolJson;
import dev.spool.protocol.spool.SpoolLayout;
import dev.spool.protocol.spool.TaskState;
import dev.spool.protocol.task.Task;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * By hand, not in the build: how fast the task list answers over a spool of N terminal tasks
 * (default 1,000,000 in done/). Run with {@code scripts/bench-dashboard.sh [N] [DIR]}. The spool is
 * generated once into DIR (real task files) and reused by later runs.
 */
final class ListPageBenchmark {
  private ListPageBenchmark() {}

  public static void main(String[] args) throws Exception {
    int n = args.length > 0 ? Integer.parseInt(args[0]) : 1_000_000;
    Path dir = Path.of(args.length > 1 ? args[1] : "/tmp/spool-bench-" + n);
    SpoolLayout layout = seed(dir, n);
    long t0 = System.nanoTime();
    try (DashboardServer server =
        DashboardServer.start(
            DashboardConfig.readOnly(dir, 0)
                .withPeriods(Duration.ofMinutes(10), Duration.ofSeconds(2), Duration.ofSeconds(15)),
            Clock.systemUTC(),
            System::nanoTime)) {
      System.out.printf(
          "index: %d tasks in %.1f s (first scan)%n",
          server.indexedTasks(), (System.nanoTime() - t0) / 1e9);
      System.gc();
      var heap = ManagementFactory.getMemoryMXBean().getHeapMemoryUsage();
      System.out.printf("heap used after GC: %d MiB%n", heap.getUsed() >> 20);
      String base = "http://127.0.0.1:" + server.port();
      HttpClient http = HttpClient.newHttpClient();
      String middle = "done%3A" + id(n / 2); // any id is a cursor: the page starts after it
      List<String> paths =
          List.of(
              "/tasks?state=done",
              "/tasks",
              "/tasks?state=done&after=" + middle,
              "/tasks?state=done&type=no-such-type",
              "/",
              "/api/overview",
              "/task?id=" + id(n / 3),
              "/metrics");
      for (String p : paths) {
        time(http, base + p);
      }
      long t1 = System.nanoTime();
      long deadline = t1 + Duration.ofSeconds(300).toNanos();
      while (server.unreadTasks() > 0 && System.nanoTime() - deadline < 0) {
        java.util.concurrent.locks.LockSupport.parkNanos(1_000_000_000L);
      }
      System.gc();
      System.out.printf(
          "background reader: %d tasks not read yet %.0f s later; heap used after GC %d MiB%n",
          server.unreadTasks(),
          (System.nanoTime() - t1) / 1e9,
          ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed() >> 20);
      for (String p :
          List.of(
              "/tasks?state=done&type=review",
              "/tasks?label=batch%3Db7",
              "/tasks?state=done&type=no-such-type")) {
        time(http, base + p);
      }
    }
  }

  static String id(int i) {
    return String.format("bench-%07d", i);
  }

  private static SpoolLayout seed(Path dir, int n) throws Exception {
    SpoolLayout layout = SpoolLayout.create(dir, Instant.now());
    Path done = layout.dir(TaskState.DONE);
    long have;
    try (var s = Files.list(done)) {
      have = s.count();
    }
    if (have >= n) {
      return layout;
    }
    System.out.printf("seeding %d task files into %s ...%n", n - have, done);
    long t0 = System.nanoTime();
    Instant created = Instant.parse("2026-11-21T12:00:00Z");
    for (int i = (int) have; i < n; i++) {
      String id = id(i);
      Task t =
          Task.builder(id)
              .argv(List.of("true"))
              .type(i % 10 == 0 ? "review" : "build")
              .label("batch", "b" + (i % 100))
              .createdAt(created)
              .build();
      Files.write(done.resolve(id + ".json"), SpoolJson.write(t));
    }
    System.out.printf("seeded in %.1f s%n", (System.nanoTime() - t0) / 1e9);
    return layout;
  }

  private static void time(HttpClient http, String url) throws IOException, InterruptedException {
    HttpRequest req = HttpRequest.newBuilder(URI.create(url)).build();
    for (int i = 0; i < 20; i++) {
      http.send(req, HttpResponse.BodyHandlers.ofString());
    }
    long[] ms = new long[50];
    int status = 0;
    int rows = 0;
    for (int i = 0; i < ms.length; i++) {
      long t = System.nanoTime();
      HttpResponse<String> r = http.send(req, HttpResponse.BodyHandlers.ofString());
      ms[i] = (System.nanoTime() - t) / 1_000;
      status = r.statusCode();
      Matcher m = Pattern.compile("<tr><td><a href=\"/task").matcher(r.body());
      rows = 0;
      while (m.find()) {
        rows++;
      }
    }
    Arrays.sort(ms);
    System.out.printf(
        "%-48s status %d rows %2d  p50 %6.2f ms  p95 %6.2f ms  max %6.2f ms%n",
        url.substring(url.indexOf('/', 8)),
        status,
        rows,
        ms[ms.length / 2] / 1e3,
        ms[(int) (ms.length * 0.95)] / 1e3,
        ms[ms.length - 1] / 1e3);
  }
}
