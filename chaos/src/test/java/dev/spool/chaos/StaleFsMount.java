package dev.spool.chaos;

import dev.spool.protocol.testing.Await;
import java.io.File;
import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;

/**
 * One mount of {@code stalefs.py} (test resources, fuse/): a passthrough FUSE file system over a
 * backing directory that plays one NFS client host, with the lost rename reply and stale attribute
 * and listing caches injected (see the script's docstring). Its counts of injected anomalies are
 * read from a file it rewrites; {@link #unmount} writes the final counts.
 */
final class StaleFsMount {
  static final Path PYTHON = Path.of("/usr/bin/python3");

  final Path mountpoint;
  private final Path counter;
  private final Path log;
  private final Process process;

  private StaleFsMount(Path mountpoint, Path counter, Path log, Process process) {
    this.mountpoint = mountpoint;
    this.counter = counter;
    this.log = log;
    this.process = process;
  }

  /**
   * Mounts {@code backing} at {@code dir/NAME} and waits (bounded) until {@code probe}, a name in
   * the backing directory, is visible through the mount.
   */
  static StaleFsMount mount(
      Path backing,
      Path dir,
      String name,
      double lostReply,
      Duration stale,
      long seed,
      String probe)
      throws IOException {
    Path mnt = Files.createDirectories(dir.resolve(name));
    Path counter = dir.resolve(name + ".anomalies");
    Path log = dir.resolve(name + "-stalefs.log");
    List<String> cmd =
        List.of(
            PYTHON.toString(),
            script().toString(),
            backing.toString(),
            mnt.toString(),
            "--lost-reply",
            Double.toString(lostReply),
            "--stale",
            Double.toString(stale.toMillis() / 1000.0),
            "--counter",
            counter.toString(),
            "--seed",
            Long.toString(seed));
    Process p =
        new ProcessBuilder(cmd)
            .redirectErrorStream(true)
            .redirectOutput(log.toFile())
            .directory(new File(System.getProperty("java.io.tmpdir")))
            .start();
    StaleFsMount m = new StaleFsMount(mnt, counter, log, p);
    try {
      Await.until(
          Duration.ofSeconds(15),
          "stalefs mounted at " + mnt,
          () -> !p.isAlive() || (m.mounted() && Files.exists(mnt.resolve(probe))));
    } catch (AssertionError e) {
      m.unmount();
      throw e;
    }
    if (!p.isAlive()) {
      throw new IOException("stalefs exited " + p.exitValue() + ": " + m.logText());
    }
    return m;
  }

  /** The script, from the test class path (target/test-classes/fuse/stalefs.py). */
  static Path script() {
    try {
      return Path.of(StaleFsMount.class.getResource("/fuse/stalefs.py").toURI());
    } catch (URISyntaxException e) {
      throw new IllegalStateException(e);
    }
  }

  /**
   * Why FUSE cannot be used here, or empty when it can: no /dev/fuse, no Debian python3 with fusepy
   * (python3-fusepy, which pulls libfuse2), or no way to unmount.
   */
  static Optional<String> unavailable() {
    if (!Files.exists(Path.of("/dev/fuse"))) {
      return Optional.of("/dev/fuse does not exist");
    }
    if (!Files.isExecutable(PYTHON)) {
      return Optional.of(PYTHON + " is not installed");
    }
    String check = "try:\n import fusepy\nexcept ImportError:\n import fuse\n";
    if (!Commands.succeeds(List.of(PYTHON.toString(), "-c", check))) {
      return Optional.of("python3-fusepy (with libfuse2) is not installed");
    }
    if (unmountCommand().isEmpty()) {
      return Optional.of("neither fusermount, fusermount3 nor umount is installed");
    }
    return Optional.empty();
  }

  private static Optional<String> unmountCommand() {
    for (String c : List.of("fusermount", "fusermount3", "umount")) {
      if (Commands.onPath(c)) {
        return Optional.of(c);
      }
    }
    return Optional.empty();
  }

  boolean mounted() {
    try {
      return Files.readAllLines(Path.of("/proc/self/mounts")).stream()
          .anyMatch(l -> l.split(" ")[1].equals(mountpoint.toString()));
    } catch (IOException e) {
      return false;
    }
  }

  /** Unmounts (lazily, so a leftover open file cannot block it) and waits for the process. */
  void unmount() throws IOException {
    if (mounted()) {
      String c = unmountCommand().orElseThrow();
      List<String> cmd =
          c.equals("umount")
              ? List.of(c, "-l", mountpoint.toString())
              : List.of(c, "-u", "-z", mountpoint.toString());
      Commands.succeeds(cmd);
    }
    try {
      if (!process.waitFor(15, TimeUnit.SECONDS)) {
        process.destroyForcibly().waitFor(15, TimeUnit.SECONDS);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      process.destroyForcibly();
    }
  }

  /** The counts of injected anomalies (lost_replies, stale_attrs, stale_listings, renames). */
  Map<String, Long> counts() throws IOException {
    Map<String, Long> out = new TreeMap<>();
    for (String line : Files.readAllLines(counter)) {
      String[] kv = line.trim().split(" ");
      if (kv.length == 2) {
        out.put(kv[0], Long.parseLong(kv[1]));
      }
    }
    return out;
  }

  String logText() {
    try {
      return Files.readString(log);
    } catch (IOException e) {
      return "(no log: " + e + ")";
    }
  }

  /** Short-lived helper commands, each bounded. */
  static final class Commands {
    private Commands() {}

    static boolean succeeds(List<String> cmd) {
      try {
        Process p =
            new ProcessBuilder(new ArrayList<>(cmd))
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.DISCARD)
                .start();
        if (!p.waitFor(15, TimeUnit.SECONDS)) {
          p.destroyForcibly();
          return false;
        }
        return p.exitValue() == 0;
      } catch (IOException e) {
        return false;
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return false;
      }
    }

    static boolean onPath(String name) {
      String path = System.getenv().getOrDefault("PATH", "/usr/bin:/bin");
      for (String d : path.split(File.pathSeparator)) {
        if (Files.isExecutable(Path.of(d, name))) {
          return true;
        }
      }
      return Files.isExecutable(Path.of("/usr/bin", name))
          || Files.isExecutable(Path.of("/bin", name));
    }
  }
}
