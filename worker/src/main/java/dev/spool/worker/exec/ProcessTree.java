package dev.spool.worker.exec;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;

/**
 * The processes of one attempt: the root, every descendant seen in repeated snapshots, and (on
 * Linux) every process whose environment carries the attempt's unique token. The token finds
 * descendants that left the tree: a double fork with {@code setsid} reparents the grandchild to
 * init before any snapshot can see it, but it keeps the environment it inherited (a process that
 * scrubs its own environment and detaches escapes both nets; nothing short of cgroups catches it).
 *
 * <p>Stopping is SIGTERM to all, a grace period, then SIGKILL to all, repeated while new members
 * appear. {@link ProcessHandle} checks the start time of each pid, so a recycled pid is never
 * signalled. Thread-safe.
 */
final class ProcessTree {
  static final String TOKEN_VARIABLE = "SPOOL_RUN_TOKEN";
  private static final Path PROC = Path.of("/proc");

  private static final Path LAST_PID = PROC.resolve("sys/kernel/ns_last_pid");
  private static final long PID_MAX = readLong(PROC.resolve("sys/kernel/pid_max"));

  /**
   * Pids (threads included) a machine can be assumed not to allocate faster than: a million a
   * second. Within half of pid_max allocations of the root's start, pids cannot have wrapped around
   * past the root's.
   */
  private static final long PID_ALLOCATIONS_PER_SECOND = 1_000_000;

  /** Up to this many new pids are looked up one by one; more and /proc is listed. */
  private static final long MAX_PROBES = 64;

  private final ProcessHandle root;
  private final byte[] tokenEntry;
  private final LongSupplier nanoTicker;
  private final long startedNanos;
  private final Map<Long, ProcessHandle> known = new ConcurrentHashMap<>();

  ProcessTree(ProcessHandle root, String token) {
    this(root, token, System::nanoTime);
  }

  /** {@code root} has just been started; {@code nanoTicker} measures the time since. */
  ProcessTree(ProcessHandle root, String token, LongSupplier nanoTicker) {
    this.root = root;
    this.tokenEntry = (TOKEN_VARIABLE + "=" + token).getBytes(StandardCharsets.UTF_8);
    this.nanoTicker = nanoTicker;
    this.startedNanos = nanoTicker.getAsLong();
  }

  /** Remembers the current descendants; call often while the root runs. */
  void snapshot() {
    root.descendants().forEach(h -> known.putIfAbsent(h.pid(), h));
  }

  /** Every member still alive, the root included. */
  List<ProcessHandle> alive() {
    // Descendants are found by parent pid, a walk of every process. Once the root has exited
    // its children are reparented and that walk finds none, so it is skipped: the members seen
    // while it ran are in `known`, and the token scan finds the rest.
    if (root.isAlive()) {
      snapshot();
    }
    scanTokens();
    List<ProcessHandle> out = new ArrayList<>();
    if (running(root)) {
      out.add(root);
    }
    for (ProcessHandle h : known.values()) {
      if (running(h)) {
        out.add(h);
      } else {
        known.remove(h.pid(), h);
      }
    }
    return out;
  }

  /**
   * Pids of the root and its current descendants, for progress reports (resident memory). Cheap: no
   * environment scan, so processes that left the tree are not counted.
   */
  List<Long> pids() {
    List<Long> out = new ArrayList<>();
    if (root.isAlive()) {
      out.add(root.pid());
      root.descendants().forEach(h -> out.add(h.pid()));
    }
    return out;
  }

  /**
   * Stops every member: SIGTERM, up to {@code grace} for them to exit, then SIGKILL rounds until
   * none is left or {@code rounds} are spent.
   *
   * @return true when no member is left alive
   */
  boolean stop(Duration grace) throws InterruptedException {
    List<ProcessHandle> members = alive();
    for (ProcessHandle h : members) {
      h.destroy();
    }
    awaitExit(members, grace);
    for (int round = 0; round < 10; round++) {
      members = alive();
      if (members.isEmpty()) {
        return true;
      }
      for (ProcessHandle h : members) {
        h.destroyForcibly();
      }
      awaitExit(members, Duration.ofMillis(500));
    }
    return alive().isEmpty();
  }

  private static void awaitExit(List<ProcessHandle> members, Duration bound)
      throws InterruptedException {
    long deadline = System.nanoTime() + bound.toNanos();
    while (System.nanoTime() - deadline < 0) {
      if (members.stream().noneMatch(ProcessTree::running)) {
        return;
      }
      // A non-child cannot be waited for; its exit is only seen by polling.
      TimeUnit.MILLISECONDS.sleep(10);
    }
  }

  /**
   * Alive and not a zombie: an orphan whose reaper (in a container, PID 1 may not reap) has not
   * collected it yet is dead for every purpose here and holds no pipe.
   */
  static boolean running(ProcessHandle h) {
    if (!h.isAlive()) {
      return false;
    }
    try {
      String stat = Files.readString(PROC.resolve(Long.toString(h.pid())).resolve("stat"));
      int close = stat.lastIndexOf(')');
      return close < 0 || close + 2 >= stat.length() || stat.charAt(close + 2) != 'Z';
    } catch (IOException e) {
      return !Files.isDirectory(PROC.resolve("self"));
    }
  }

  private void scanTokens() {
    if (!Files.isDirectory(PROC)) {
      return;
    }
    long self = ProcessHandle.current().pid();
    long[] range = newPids();
    if (range != null && range[1] - range[0] < MAX_PROBES) {
      // Few pids were handed out since the root started (thread ids count too): look each up
      // instead of listing /proc, whose listing walks every task of the machine in the kernel.
      for (long pid = range[0]; pid <= range[1]; pid++) {
        if (pid != self
            && !known.containsKey(pid)
            && carriesToken(PROC.resolve(Long.toString(pid)))) {
          long found = pid;
          ProcessHandle.of(pid).ifPresent(p -> known.putIfAbsent(found, p));
        }
      }
      return;
    }
    try (DirectoryStream<Path> dirs = Files.newDirectoryStream(PROC)) {
      for (Path d : dirs) {
        String name = d.getFileName().toString();
        if (name.isEmpty() || !Character.isDigit(name.charAt(0))) {
          continue;
        }
        long pid = Long.parseLong(name);
        if (range != null && (pid < range[0] || pid > range[1])) {
          continue; // existed before the root started: cannot have inherited its token
        }
        if (pid == self || known.containsKey(pid) || !carriesToken(d)) {
          continue;
        }
        Optional<ProcessHandle> h = ProcessHandle.of(pid);
        h.ifPresent(p -> known.putIfAbsent(pid, p));
      }
    } catch (IOException e) {
      // /proc vanished or is unreadable: the descendant snapshots still apply.
    }
  }

  /**
   * The pids that processes started since the root can have, {@code [root, last allocated]}, or
   * null when that cannot be known (then every process is read). Reading each process's environment
   * is what the scan costs, and at the end of a short attempt nearly every process of the machine
   * is older than the root. Linux hands out pids in increasing order and wraps at pid_max; a
   * descendant has a pid in that range unless the counter wrapped around since the root started. A
   * wrap shows as a last pid below the root's; a wrap all the way round past the root's pid again
   * needs pid_max allocations, excluded by keeping to {@link #PID_ALLOCATIONS_PER_SECOND} for at
   * most half of them.
   */
  private long[] newPids() {
    long elapsed = nanoTicker.getAsLong() - startedNanos;
    if (PID_MAX <= 0 || elapsed > PID_MAX / 2 * (1_000_000_000L / PID_ALLOCATIONS_PER_SECOND)) {
      return null;
    }
    long last = readLong(LAST_PID);
    long first = root.pid();
    return last >= first ? new long[] {first, last} : null;
  }

  /** A number in a /proc file, or -1 when it cannot be read (not Linux, a restricted /proc). */
  private static long readLong(Path file) {
    try (java.io.FileInputStream in = new java.io.FileInputStream(file.toString())) {
      return Long.parseLong(new String(in.readNBytes(32), StandardCharsets.US_ASCII).strip());
    } catch (IOException | RuntimeException e) {
      return -1;
    }
  }

  private boolean carriesToken(Path procDir) {
    byte[] env;
    java.io.File environ = new java.io.File(procDir + "/environ");
    if (!environ.exists()) {
      return false; // exited: most probed pids at the end of a short attempt (no exception thrown)
    }
    // A plain stream: this runs for every process of the machine at the end of every attempt,
    // and a channel per file costs several times the read itself.
    try (java.io.FileInputStream in = new java.io.FileInputStream(environ)) {
      env = in.readAllBytes();
    } catch (IOException | SecurityException e) {
      return false; // another user's process, or it exited
    }
    int start = 0;
    for (int i = 0; i <= env.length; i++) {
      if (i == env.length || env[i] == 0) {
        if (i - start == tokenEntry.length && regionEquals(env, start)) {
          return true;
        }
        start = i + 1;
      }
    }
    return false;
  }

  private boolean regionEquals(byte[] env, int start) {
    for (int k = 0; k < tokenEntry.length; k++) {
      if (env[start + k] != tokenEntry[k]) {
        return false;
      }
    }
    return true;
  }
}
