package dev.spool.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * The harness at smoke size, so it cannot rot: every workload runs end to end against real daemons
 * and reports every field BENCHMARKS.md needs. Says nothing about speed (the sizes are tiny and the
 * build machine is busy); the assertions are on completeness and sanity only.
 */
class BenchSmokeIT {
  @TempDir Path tmp;

  @Test
  @Timeout(value = 8, unit = TimeUnit.MINUTES)
  void everyWorkloadRunsAndReports() throws Exception {
    Path repo = Path.of(System.getProperty("spool.repo", "..")).toAbsolutePath().normalize();
    Path report = tmp.resolve("BENCHMARKS.md");
    Files.writeString(
        report, "# Prose stays\n\n" + Bench.BEGIN + "\nold\n" + Bench.END + "\n\ntail\n");
    ByteArrayOutputStream buf = new ByteArrayOutputStream();
    PrintStream out = new PrintStream(buf, true, StandardCharsets.UTF_8);
    int exit =
        new CommandLine(new Bench(out))
            .execute(
                "--repo", repo.toString(),
                "--work", tmp.resolve("work").toString(),
                "--size", "smoke",
                "--runs", "1",
                "--report", report.toString());
    String text = buf.toString(StandardCharsets.UTF_8);
    assertEquals(0, exit, text);
    List<String> lines =
        Arrays.stream(text.split("\n")).filter(l -> l.startsWith("workload=")).toList();
    assertEquals(6, lines.size(), text);
    // The workloads' trees were set aside, not deleted in between; the run deletes them at the end.
    assertEquals(false, Files.exists(tmp.resolve("work").resolve("trash")), "trash left behind");
    try (var left = Files.list(tmp.resolve("work"))) {
      assertEquals(
          List.of(),
          left.filter(p -> p.getFileName().toString().matches("w[0-9].*-r[0-9]+")).toList(),
          "workload trees left behind");
    }
    assertPositive(lines.get(0), "spool_per_s", "drain_per_s", "baseline_per_s", "submit_per_s");
    for (String share : new String[] {"machine_idle_share", "drain_machine_idle_share"}) {
      double v = Double.parseDouble(Workloads.field(lines.get(0), share));
      assertTrue(v >= 0 && v <= 1, share + " in " + lines.get(0));
    }
    assertPositive(
        lines.get(1),
        "p50_ms",
        "p99_ms",
        "poll_p50_ms",
        "baseline_spawn_p50_ms",
        "to_launch_p50_ms",
        "run_p50_ms",
        "to_visible_p50_ms",
        "poll_to_launch_p50_ms",
        "poll_run_p50_ms",
        "poll_to_visible_p50_ms");
    assertPositive(lines.get(2), "wall_s", "ideal_s");
    assertTrue(
        Double.parseDouble(Workloads.field(lines.get(2), "wall_s"))
            >= Double.parseDouble(Workloads.field(lines.get(2), "ideal_s")),
        "parallel sleeps cannot beat the ideal: " + lines.get(2));
    assertPositive(
        lines.get(3),
        "batch_per_s",
        "floor_per_s",
        "fsync_floor_per_s",
        "single_p50_ms",
        "jvm_start_p50_ms");
    assertPositive(
        lines.get(4),
        "n100_claim_per_s",
        "n1000_claim_per_s",
        "n1000_status_s",
        "n1000_dashboard_list_p50_ms");
    assertPositive(lines.get(5), "fleet_per_s", "single_per_s");
    String md = Files.readString(report);
    assertTrue(md.startsWith("# Prose stays"), md);
    assertTrue(md.endsWith("\ntail\n"), md);
    assertTrue(!md.contains("\nold\n"), md);
    assertTrue(md.contains("| W5 | claim rate at 1,000 pending"), md);
    assertTrue(md.contains("| 1,000 |"), "growth table: " + md);
  }

  private static void assertPositive(String line, String... keys) {
    for (String k : keys) {
      double v = Double.parseDouble(Workloads.field(line, k));
      assertTrue(v > 0 && Double.isFinite(v), k + " in " + line);
    }
  }
}
