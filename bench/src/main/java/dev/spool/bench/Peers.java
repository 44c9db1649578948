package dev.spool.bench;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Runs the comparison scripts of the queues a user would otherwise pick (each installs its system
 * from Debian's packages, serves on 127.0.0.1 only and prints one summary line per workload: {@code
 * peer=nq workload=W1 ... tasks_per_s=306.4 runs=3}) in the same session as Spool's own workloads,
 * with the same sizes, and parses their summary lines. A script that fails is reported, not fatal:
 * the other numbers stay valid.
 */
final class Peers {
  private static final Duration SCRIPT_LIMIT = Duration.ofMinutes(40);

  private Peers() {}

  static List<Map<String, String>> run(
      Path dir, List<String> scripts, Sizes sizes, int runs, Path work, PrintStream out)
      throws IOException, InterruptedException {
    List<Map<String, String>> lines = new ArrayList<>();
    for (String script : scripts) {
      Path log = work.resolve("peer-" + script + ".log");
      ProcessBuilder pb =
          new ProcessBuilder("bash", dir.resolve(script).toString())
              .directory(dir.toFile())
              .redirectErrorStream(true)
              .redirectOutput(log.toFile())
              .redirectInput(ProcessBuilder.Redirect.from(Path.of("/dev/null").toFile()));
      pb.environment()
          .putAll(
              Map.of(
                  "N", Integer.toString(sizes.noop()),
                  "SLOTS", "4",
                  "LAT_REPS", Integer.toString(Math.min(50, sizes.latencyReps())),
                  "SLEEP_N", Integer.toString(sizes.sleepTasks()),
                  "SLEEP_S", Double.toString(sizes.sleepSeconds()),
                  "REPEATS", Integer.toString(runs)));
      out.println("# peer " + script + " (log " + log + ")");
      Process p = pb.start();
      if (!p.waitFor(SCRIPT_LIMIT.toMillis(), TimeUnit.MILLISECONDS)) {
        p.destroyForcibly();
        out.println("# peer " + script + " did not finish in " + SCRIPT_LIMIT + "; skipped");
        continue;
      }
      if (p.exitValue() != 0) {
        out.println("# peer " + script + " exited " + p.exitValue() + "; see its log");
      }
      for (String line : Files.readAllLines(log)) {
        if (line.startsWith("peer=")) {
          out.println(line);
          lines.add(parse(line));
        }
      }
    }
    return lines;
  }

  static Map<String, String> parse(String line) {
    Map<String, String> m = new LinkedHashMap<>();
    for (String kv : line.trim().split("\\s+")) {
      int eq = kv.indexOf('=');
      if (eq > 0) {
        m.put(kv.substring(0, eq), kv.substring(eq + 1));
      }
    }
    return m;
  }
}
