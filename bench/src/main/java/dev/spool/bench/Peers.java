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

  /**
   * Slurm starts pending batch jobs on a scheduler tick (4 per ~1 s tuned, per ~3 s by default), so
   * 2,000 no-ops would take about 8 minutes a repeat at best; its rate is set by the tick, not by
   * the count, and this many measure it.
   */
  static final int SLURM_MAX_NOOP = 400;

  /**
   * Slurm's high-throughput setting (start pending jobs as soon as they arrive), the one that shows
   * it at its fastest; an operator's own {@code SLURM_SCHED_PARAMS} wins.
   */
  static final String SLURM_TUNED = "batch_sched_delay=0,sched_min_interval=0";

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
      pb.environment().putAll(environment(script, sizes, runs, System.getenv()));
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

  /**
   * What a peer's script is told: the same sizes as Spool's workloads, except where a peer's own
   * nature bounds them (Slurm: {@link #SLURM_MAX_NOOP} tasks on its tuned scheduler).
   */
  static Map<String, String> environment(
      String script, Sizes sizes, int runs, Map<String, String> inherited) {
    Map<String, String> env = new LinkedHashMap<>();
    env.put("N", Integer.toString(sizes.noop()));
    env.put("SLOTS", "4");
    env.put("LAT_REPS", Integer.toString(Math.min(50, sizes.latencyReps())));
    env.put("SLEEP_N", Integer.toString(sizes.sleepTasks()));
    env.put("SLEEP_S", Double.toString(sizes.sleepSeconds()));
    env.put("REPEATS", Integer.toString(runs));
    if (script.equals("slurm.sh")) {
      env.put("N", Integer.toString(Math.min(sizes.noop(), SLURM_MAX_NOOP)));
      env.put("SLURM_SCHED_PARAMS", inherited.getOrDefault("SLURM_SCHED_PARAMS", SLURM_TUNED));
    }
    return env;
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
