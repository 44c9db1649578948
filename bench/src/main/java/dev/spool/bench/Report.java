package dev.spool.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/** Renders the generated block of BENCHMARKS.md: machine facts, results, peers side by side. */
final class Report {
  private Report() {}

  static String render(
      Instant started,
      Sizes sizes,
      int runs,
      Path work,
      List<Result> results,
      List<Map<String, String>> peers)
      throws Exception {
    StringBuilder md = new StringBuilder();
    md.append(
        String.format(
            Locale.ROOT,
            "Run %s, %s size, median of %d runs, %.0f min in all.%n%n",
            Bench.stamp(started),
            sizes.name(),
            runs,
            Duration.between(started, Instant.now()).toSeconds() / 60.0));
    md.append("Machine: ").append(machine(work)).append("\n\n");
    md.append(
        "Every workload's files are set aside by one rename and deleted after the last one, so"
            + " that no workload pays for the deletions of the one before (see \"Deleting after the"
            + " run\" below).\n\n");
    md.append("| workload | metric | Spool | same-run baseline | ratio | target | met |\n");
    md.append("| --- | --- | ---: | --- | ---: | --- | --- |\n");
    for (Result r : results) {
      for (Result.Row row : r.rows()) {
        md.append(
            String.format(
                "| %s | %s | %s | %s | %s | %s | %s |%n",
                r.workload(),
                row.metric(),
                row.spool(),
                row.baseline(),
                row.ratio(),
                row.target(),
                row.met() == null ? "" : row.met() ? "yes" : "**no**"));
      }
    }
    for (Result r : results) {
      if (!r.appendix().isEmpty()) {
        md.append("\n")
            .append(r.workload())
            .append(" growth:\n\n")
            .append(r.appendix())
            .append("\n");
      }
    }
    if (!peers.isEmpty()) {
      md.append("\nPeers, same session (Spool / peer for throughput, peer / Spool for times: ")
          .append("above 1 means Spool is ahead):\n\n");
      md.append(
          "| peer | W1 tasks/s | Spool ahead | W2 p50 ms | Spool ahead | W3 wall s | Spool ahead |\n");
      md.append("| --- | ---: | ---: | ---: | ---: | ---: | ---: |\n");
      Optional<Result> w1 = find(results, "W1");
      Optional<Result> w2 = find(results, "W2");
      Optional<Result> w3 = find(results, "W3");
      for (String peer : peers.stream().map(m -> m.get("peer")).distinct().toList()) {
        String t = peerField(peers, peer, "W1", "tasks_per_s");
        String l = peerField(peers, peer, "W2", "p50_ms");
        String s = peerField(peers, peer, "W3", "wall_s");
        md.append(
            String.format(
                "| %s | %s | %s | %s | %s | %s | %s |%n",
                peer,
                t,
                ratio(w1.map(r -> r.fields().get("spool_per_s")).orElse(null), t),
                l,
                ratio(l, w2.map(r -> r.fields().get("p50_ms")).orElse(null)),
                s,
                ratio(s, w3.map(r -> r.fields().get("wall_s")).orElse(null))));
      }
    }
    md.append("\nSummary lines:\n\n```\n");
    for (Result r : results) {
      md.append(r.line()).append("\n");
    }
    for (Map<String, String> p : peers) {
      StringBuilder line = new StringBuilder();
      p.forEach(
          (k, v) -> line.append(line.length() == 0 ? "" : " ").append(k).append('=').append(v));
      md.append(line).append("\n");
    }
    md.append("```\n");
    return md.toString();
  }

  private static Optional<Result> find(List<Result> results, String workload) {
    return results.stream().filter(r -> r.workload().equals(workload)).findFirst();
  }

  private static String peerField(
      List<Map<String, String>> peers, String peer, String workload, String key) {
    return peers.stream()
        .filter(m -> peer.equals(m.get("peer")) && workload.equals(m.get("workload")))
        .map(m -> m.getOrDefault(key, "n/a"))
        .findFirst()
        .orElse("n/a");
  }

  /** a / b with two decimals, or blank when either is missing or not a number. */
  static String ratio(String a, String b) {
    try {
      return Result.format(Double.parseDouble(a) / Double.parseDouble(b));
    } catch (NullPointerException | NumberFormatException e) {
      return "";
    }
  }

  static String machine(Path work) throws Exception {
    String mem = "?";
    for (String line : Files.readAllLines(Path.of("/proc/meminfo"))) {
      if (line.startsWith("MemTotal:")) {
        long kb = Long.parseLong(line.replaceAll("\\D", ""));
        mem = String.format(Locale.ROOT, "%.1f GiB", kb / 1024.0 / 1024.0);
      }
    }
    String fs;
    try {
      // findmnt names ext4 as such; stat -f reports the ext2/ext3 magic for all three.
      fs =
          Workloads.runForOutput(
                  List.of("findmnt", "-n", "-o", "FSTYPE", "-T", work.toString()),
                  Duration.ofSeconds(10))
              .strip();
    } catch (Exception e) {
      fs =
          Workloads.runForOutput(
                  List.of("stat", "-f", "-c", "%T", work.toString()), Duration.ofSeconds(10))
              .strip();
    }
    return String.format(
        Locale.ROOT,
        "%d cores, %s RAM, Linux %s, Java %s (%s), work directory on %s.",
        Runtime.getRuntime().availableProcessors(),
        mem,
        read(Path.of("/proc/sys/kernel/osrelease")),
        System.getProperty("java.version"),
        System.getProperty("java.vm.name"),
        fs);
  }

  private static String read(Path p) throws IOException {
    return Files.readString(p).strip();
  }
}
