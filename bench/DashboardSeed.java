import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Seeds N terminal tasks into the done/ directory of an existing spool, with one result record per
 * task, by writing the files directly (no fsync, no tmp/ rename: a benchmark fixture, not a queue
 * operation). Resumable: ids already present are skipped. Run as a single-file program:
 * {@code java bench/DashboardSeed.java SPOOL N}.
 */
public final class DashboardSeed {
  private DashboardSeed() {}

  public static void main(String[] args) throws IOException {
    Path spool = Path.of(args[0]);
    int n = Integer.parseInt(args[1]);
    Path done = spool.resolve("done");
    Path results = spool.resolve("results");
    long t0 = System.nanoTime();
    int written = 0;
    for (int i = 0; i < n; i++) {
      String id = String.format("bench-%07d", i);
      Path task = done.resolve(id + ".json");
      if (Files.exists(task)) {
        continue;
      }
      String type = i % 10 == 0 ? "review" : "build";
      String t =
          "{\"id\":\"" + id + "\",\"type\":\"" + type + "\",\"argv\":[\"true\"],"
              + "\"created_at\":\"2026-11-21T12:00:00Z\",\"labels\":{\"batch\":\"b"
              + (i % 100) + "\"}}";
      String r =
          "{\"task_id\":\"" + id + "\",\"attempt\":1,\"worker\":\"w" + (i % 8) + "\","
              + "\"incarnation\":1,\"host\":\"vm-1\",\"started_at\":\"2026-11-21T12:00:01Z\","
              + "\"finished_at\":\"2026-11-21T12:00:02Z\",\"duration\":1,"
              + "\"outcome\":{\"kind\":\"succeeded\"}}";
      Files.write(results.resolve(id + "~1.json"), r.getBytes(StandardCharsets.UTF_8));
      Files.write(task, t.getBytes(StandardCharsets.UTF_8));
      if (++written % 100_000 == 0) {
        System.err.printf("seeded %d (%.0f s)%n", written, (System.nanoTime() - t0) / 1e9);
      }
    }
    System.err.printf("seeded %d new tasks in %.1f s%n", written, (System.nanoTime() - t0) / 1e9);
  }
}
