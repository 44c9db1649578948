package dev.spool.chaos;

import dev.spool.deploy.SpoolMain;
import dev.spool.protocol.fs.AtomicFiles;
import dev.spool.protocol.fs.FileOps;
import dev.spool.protocol.spool.SpoolLayout;
import dev.spool.protocol.testing.Await;
import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * Real daemons on one temp spool: worker and coordinator JVMs started as separate processes with
 * {@code java -cp <test class path> dev.spool.deploy.SpoolMain worker|coordinator ...} (the class
 * path route works in every Maven phase; the shaded jar exists only after package). Every process
 * the cluster starts, and every task process that reported its pid in a marker, is tracked; {@link
 * #close} kills what is left and fails if anything survives.
 *
 * <p>Timing is tight so a CI scenario takes seconds: heartbeats every 0.5 s, rescans every 0.2 s,
 * the coordinator declares a worker dead after 2 s without a new heartbeat seq.
 */
final class Cluster {
  static final Duration DEAD_AFTER = Duration.ofSeconds(2);

  final Path dir;
  final SpoolLayout layout;
  final AtomicFiles files;
  final Path markers;
  final Path workerConfig;
  private final List<Daemon> daemons = new ArrayList<>();
  private int started;

  /** The coordinator's dead_after for coordinators started from now on. */
  Duration deadAfter = DEAD_AFTER;

  /** False for a worker that runs only configured types (the hostile-input scenario). */
  boolean allowArgv = true;

  /** One daemon process; {@code wrapped} when it runs under a prefix command (strace...). */
  record Daemon(String name, Process process, Path log, boolean wrapped) {
    long pid() {
      return process.pid();
    }

    boolean alive() {
      return process.isAlive();
    }
  }

  Cluster(Path dir) throws Exception {
    this(dir, dir.resolve("spool"));
  }

  Cluster(Path dir, Path spoolRoot) throws Exception {
    this.dir = dir;
    this.layout = SpoolLayout.create(spoolRoot, Instant.now());
    this.files = new AtomicFiles(FileOps.real(), layout.tmp(), true);
    this.markers = Files.createDirectories(dir.resolve("markers"));
    this.workerConfig = dir.resolve("worker.yaml");
    writeWorkerConfig("");
  }

  /** Rewrites the workers' config file; {@code extra} is appended YAML. */
  void writeWorkerConfig(String extra) throws IOException {
    Files.writeString(
        workerConfig,
        String.join(
            "\n",
            "heartbeat_interval: 0.5",
            "rescan_interval: 0.2",
            "kill_grace: 1",
            "drain_timeout: 2",
            "liveness_check: 1.5",
            "scratch_dir: " + dir.resolve("scratch"),
            extra,
            ""));
  }

  /** A plain worker with {@code slots} slots that runs argv tasks. */
  Daemon worker(String id, int slots) throws IOException {
    return worker(id, slots, Map.of(), List.of());
  }

  /**
   * A worker JVM.
   *
   * @param props system properties (crash points)
   * @param prefix a command the JVM runs under (faketime, strace), empty for none
   */
  Daemon worker(String id, int slots, Map<String, String> props, List<String> prefix)
      throws IOException {
    List<String> args =
        new ArrayList<>(
            List.of(
                "worker",
                "--spool",
                layout.root().toString(),
                "--id",
                id,
                "--slots",
                Integer.toString(slots),
                "--config",
                workerConfig.toString()));
    if (allowArgv) {
      args.add("--allow-argv");
    }
    return start(id, props, prefix, Map.of(), args);
  }

  /** A coordinator JVM with the cluster's timing. */
  Daemon coordinator(Map<String, String> props, List<String> prefix) throws IOException {
    List<String> args =
        List.of(
            "coordinator",
            "--spool",
            layout.root().toString(),
            "--interval",
            "100ms",
            "--dead-after",
            deadAfter.toMillis() + "ms",
            "--lease-timeout",
            "2s");
    return start("coordinator", props, prefix, Map.of(), args);
  }

  Daemon start(
      String name,
      Map<String, String> props,
      List<String> prefix,
      Map<String, String> env,
      List<String> args)
      throws IOException {
    List<String> cmd = new ArrayList<>(prefix);
    cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    cmd.addAll(List.of("-Xmx96m", "-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC"));
    cmd.add("-Xshare:auto");
    props.forEach((k, v) -> cmd.add("-D" + k + "=" + v));
    cmd.add("-cp");
    cmd.add(classPath());
    cmd.add(SpoolMain.class.getName());
    cmd.addAll(args);
    Path log = dir.resolve(name + "-" + (++started) + ".log");
    ProcessBuilder pb =
        new ProcessBuilder(cmd)
            .redirectErrorStream(true)
            .redirectOutput(log.toFile())
            .directory(new File(System.getProperty("java.io.tmpdir")));
    pb.environment().putAll(env);
    Daemon d = new Daemon(name, pb.start(), log, !prefix.isEmpty());
    daemons.add(d);
    return d;
  }

  static String classPath() {
    return System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
  }

  /** kill -9 of the daemon (and of the wrapper's children when it runs under a prefix). */
  void kill9(Daemon d) throws InterruptedException {
    d.process().descendants().forEach(ProcessHandle::destroyForcibly);
    d.process().destroyForcibly();
    if (!d.process().waitFor(30, TimeUnit.SECONDS)) {
      throw new AssertionError(d.name() + " survived kill -9");
    }
  }

  /** SIGTERM and wait: the graceful stop a daemon gets from systemd. */
  void stop(Daemon d) throws InterruptedException {
    jvm(d).destroy();
    if (!d.process().waitFor(30, TimeUnit.SECONDS)) {
      kill9(d);
    }
  }

  /** Waits for a daemon that is expected to halt by itself (a crash point); its exit status. */
  int awaitExit(Daemon d, Duration bound) throws InterruptedException {
    if (!d.process().waitFor(bound.toMillis(), TimeUnit.MILLISECONDS)) {
      throw new AssertionError(d.name() + " did not exit within " + bound + ": " + tail(d));
    }
    return d.process().exitValue();
  }

  String tail(Daemon d) {
    try {
      List<String> lines = Files.readAllLines(d.log());
      return String.join("\n", lines.subList(Math.max(0, lines.size() - 30), lines.size()));
    } catch (IOException e) {
      return "(no log: " + e + ")";
    }
  }

  List<Daemon> daemons() {
    return List.copyOf(daemons);
  }

  /** Task processes that wrote their pid into markers/pids (see {@link Workload}). */
  List<Long> taskPids() {
    Path pids = markers.resolve("pids");
    if (!Files.exists(pids)) {
      return List.of();
    }
    try (Stream<String> lines = Files.lines(pids)) {
      return lines.filter(l -> !l.isBlank()).map(l -> Long.parseLong(l.trim())).toList();
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }

  /** Stops every daemon gracefully (bounded), then kills whatever is left. */
  void stopAll() throws InterruptedException {
    for (Daemon d : daemons) {
      if (d.alive()) {
        jvm(d).destroy();
      }
    }
    for (Daemon d : daemons) {
      if (!d.process().waitFor(20, TimeUnit.SECONDS)) {
        kill9(d);
      }
    }
  }

  /**
   * The daemon's JVM, which SIGTERM must reach: a wrapper that forks (strace, faketime) would pass
   * the signal on or detach and leave the JVM running as an orphan; one that execs (fiu-run) is the
   * JVM.
   */
  private static ProcessHandle jvm(Daemon d) {
    ProcessHandle self = d.process().toHandle();
    if (!d.wrapped() || isJava(self)) {
      return self;
    }
    return d.process().children().filter(Cluster::isJava).findFirst().orElse(self);
  }

  private static boolean isJava(ProcessHandle h) {
    return h.info().command().map(c -> c.endsWith("/java")).orElse(false);
  }

  /** Pids of this cluster's processes (daemons, their children, task processes) still alive. */
  Map<Long, String> alive() {
    Map<Long, String> out = new LinkedHashMap<>();
    for (Daemon d : daemons) {
      if (d.alive()) {
        out.put(d.pid(), d.name());
      }
      d.process().descendants().forEach(h -> out.put(h.pid(), d.name() + " child"));
    }
    for (long pid : taskPids()) {
      Optional<ProcessHandle> h = ProcessHandle.of(pid);
      if (h.isPresent() && h.get().isAlive() && isOurTask(h.get())) {
        out.put(pid, "task");
      }
    }
    return out;
  }

  /** A recorded task pid may have been reused by an unrelated process; check its command line. */
  private boolean isOurTask(ProcessHandle h) {
    return h.info().commandLine().map(c -> c.contains(dir.toString())).orElse(true);
  }

  /** Kills every leftover and fails if one survives; the scenario's last step and @AfterEach. */
  public void close() throws InterruptedException {
    for (Daemon d : daemons) {
      d.process().descendants().forEach(ProcessHandle::destroyForcibly);
      d.process().destroyForcibly();
    }
    for (long pid : taskPids()) {
      ProcessHandle.of(pid).filter(this::isOurTask).ifPresent(ProcessHandle::destroyForcibly);
    }
    Await.until(
        Duration.ofSeconds(30), "no process of the test left running", () -> alive().isEmpty());
  }
}
