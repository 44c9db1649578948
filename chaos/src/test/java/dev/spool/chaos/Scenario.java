package dev.spool.chaos;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.spool.deploy.SpoolMain;
import dev.spool.protocol.testing.Await;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileTime;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import picocli.CommandLine;

/**
 * One scenario's run: the cluster, the workload, the result watch, the fault count, and the end of
 * every scenario (settle, stop, check, fsck --repair, no process left, one summary line).
 */
final class Scenario {
  final String name;
  final Cluster cluster;
  final Workload workload;
  private final ResultWatch watch;
  private final long t0 = System.nanoTime();
  private int faults;

  Scenario(String name, Path dir) throws Exception {
    this(name, new Cluster(dir));
  }

  Scenario(String name, Cluster cluster) throws IOException {
    this.name = name;
    this.cluster = cluster;
    this.workload = new Workload(cluster);
    this.watch = new ResultWatch(cluster.layout.results());
  }

  /** Counts one injected fault (a kill, a crash point reached, a torn tail...). */
  void fault() {
    faults++;
  }

  int faults() {
    return faults;
  }

  /** When each result record first appeared (see {@link ResultWatch#firstSeenNanos}). */
  Map<String, Long> firstSeenNanos() {
    return watch.firstSeenNanos();
  }

  /** Waits (bounded) until every submitted task is terminal. */
  void settle(Duration bound) {
    try {
      Await.until(
          bound,
          name + ": every task terminal",
          () -> Invariants.settled(cluster.layout, workload.expected().keySet()));
    } catch (AssertionError e) {
      throw new AssertionError(e.getMessage() + "\n" + diagnosis(), e);
    }
  }

  /** Where the tasks are and the end of every daemon's log, for a scenario that did not settle. */
  String diagnosis() {
    StringBuilder b = new StringBuilder();
    try {
      b.append("states: ").append(Invariants.locate(cluster.layout)).append('\n');
    } catch (IOException e) {
      b.append("states unreadable: ").append(e).append('\n');
    }
    for (Cluster.Daemon d : cluster.daemons()) {
      b.append("--- ").append(d.log()).append(d.alive() ? " (alive)" : " (exited)").append('\n');
      b.append(cluster.tail(d)).append('\n');
    }
    return b.toString();
  }

  /**
   * Stops the daemons, runs the checker, ages leftover temp files past fsck's staleness bound and
   * runs {@code spool fsck --repair} in-process, asserts the invariants, prints and records the
   * summary line. Returns the report for scenario-specific assertions.
   */
  Invariants.Report finish(String extra) throws Exception {
    cluster.stopAll();
    List<String> overwritten = watch.finish();
    Invariants.Report r =
        Invariants.check(
            cluster.layout, workload.expected(), workload.runs(), workload.unmarked(), true);
    int debris = ageTemps();
    String fsck = fsck(true);
    String after = fsck(false);
    cluster.close();
    double secs = (System.nanoTime() - t0) / 1e9;
    String line =
        String.format(
            Locale.ROOT,
            "chaos scenario=%s tasks=%d faults=%d reexecutions=%d lost_attempts=%d stale=%d"
                + " retries=%d lost=%d duplicate_accepted=%d temp_debris=%d time=%.1fs%s",
            name,
            r.tasks(),
            faults,
            r.reexecutions(),
            r.lostAttempts(),
            r.staleResults(),
            r.retries(),
            r.lost(),
            r.duplicateAccepted(),
            debris,
            secs,
            extra.isEmpty() ? "" : " " + extra);
    summary(line);
    assertEquals(List.of(), overwritten, name + ": accepted results never change");
    assertEquals(List.of(), r.violations(), name + ": invariants");
    assertEquals(0, r.lost());
    assertEquals(0, r.duplicateAccepted());
    assertTrue(
        after.contains("spool is consistent"), name + ": fsck after repair:\n" + fsck + after);
    try (DirectoryStream<Path> s = Files.newDirectoryStream(cluster.layout.tmp())) {
      assertEquals(false, s.iterator().hasNext(), name + ": tmp/ empty after fsck --repair");
    }
    return r;
  }

  /** Makes every temp file older than fsck's bound, as time passing after the crash would. */
  private int ageTemps() throws IOException {
    int n = 0;
    FileTime old = FileTime.from(Instant.now().minus(Duration.ofHours(1)));
    try (DirectoryStream<Path> s = Files.newDirectoryStream(cluster.layout.tmp())) {
      for (Path p : s) {
        Files.setLastModifiedTime(p, old);
        n++;
      }
    }
    return n;
  }

  /** {@code spool fsck [--repair]} through the real command line, in-process; its output. */
  String fsck(boolean repair) {
    StringWriter out = new StringWriter();
    CommandLine cl = SpoolMain.commandLine(Clock.systemUTC());
    cl.setOut(new PrintWriter(out));
    cl.setErr(new PrintWriter(out));
    String root = cluster.layout.root().toString();
    int code =
        repair
            ? cl.execute("fsck", "--spool", root, "--repair")
            : cl.execute("fsck", "--spool", root);
    return "fsck exit " + code + "\n" + out;
  }

  /** Prints the line and appends it to the summary file the soak script collects. */
  static void summary(String line) throws IOException {
    System.out.println(line);
    String file = System.getProperty("spool.chaos.summary");
    if (file != null) {
      Files.writeString(
          Path.of(file),
          line + "\n",
          StandardCharsets.UTF_8,
          StandardOpenOption.CREATE,
          StandardOpenOption.APPEND);
    }
  }

  public void close() throws InterruptedException {
    watch.close();
    cluster.close();
  }
}
