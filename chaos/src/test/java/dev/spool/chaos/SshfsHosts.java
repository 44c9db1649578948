package dev.spool.chaos;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;

/**
 * Several hosts on one machine, sharing one directory over sshfs: {@code
 * src/test/sh/sshfs-hosts.sh} puts sshd in a server network namespace and mounts its {@code
 * export/} in each client namespace, with NFS-like attribute and directory caches (the script says
 * which). A daemon runs "on" a host under the prefix {@link Host#prefix} and uses that host's
 * mount. {@link #close} unmounts, stops sshd and deletes the namespaces, also after a half-finished
 * set-up.
 */
final class SshfsHosts {
  private static final Duration SCRIPT_BOUND = Duration.ofSeconds(120);
  private static final int UNAVAILABLE = 77;

  /** One client host: its network namespace and its mount of the export. */
  record Host(int index, String namespace, Path mount) {
    /** The command prefix that runs a process in this host's network namespace. */
    List<String> prefix() {
      return List.of("ip", "netns", "exec", namespace);
    }
  }

  private final Path dir;
  private final List<Host> hosts;

  private SshfsHosts(Path dir, List<Host> hosts) {
    this.dir = dir;
    this.hosts = List.copyOf(hosts);
  }

  /**
   * Sets up {@code n} client hosts under {@code dir}. Aborts the test (skipped, with the script's
   * reason) when namespaces, FUSE or a tool is unavailable; fails it on any other set-up error.
   */
  static SshfsHosts up(Path dir, int n) throws IOException, InterruptedException {
    Files.createDirectories(dir);
    Path out = dir.resolveSibling(dir.getFileName() + "-up.log");
    int code = run(out, "up", dir.toString(), Integer.toString(n));
    String log = Files.readString(out);
    Assumptions.assumeTrue(code != UNAVAILABLE, "multi-host sshfs set-up unavailable: " + log);
    if (code != 0) {
      new SshfsHosts(dir, List.of()).close();
      throw new AssertionError("sshfs-hosts.sh up failed with exit " + code + ":\n" + log);
    }
    List<Host> hosts = new ArrayList<>();
    for (String line : log.split("\n")) {
      String[] f = line.split(" ");
      if (f.length == 4 && f[0].equals("host")) {
        hosts.add(new Host(Integer.parseInt(f[1]), f[2], Path.of(f[3])));
      }
    }
    if (hosts.size() != n) {
      new SshfsHosts(dir, List.of()).close();
      throw new AssertionError("sshfs-hosts.sh up printed " + hosts.size() + " hosts:\n" + log);
    }
    return new SshfsHosts(dir, hosts);
  }

  /** The server's own directory behind every mount (what the file server has on its disk). */
  Path export() {
    return dir.resolve("export");
  }

  Host host(int index) {
    return hosts.get(index - 1);
  }

  /** Tears everything down; safe to call twice. Fails if the script could not. */
  public void close() throws IOException, InterruptedException {
    Path out = dir.resolveSibling(dir.getFileName() + "-down.log");
    int code = run(out, "down", dir.toString());
    if (code != 0) {
      throw new AssertionError("sshfs-hosts.sh down failed: " + Files.readString(out));
    }
  }

  /**
   * Runs the script with its output in a file: sshfs and sshd detach but keep the descriptors they
   * inherited, so a pipe would never see its end.
   */
  private static int run(Path out, String... args) throws IOException, InterruptedException {
    List<String> cmd = new ArrayList<>();
    cmd.add("bash");
    cmd.add(script().toString());
    cmd.addAll(List.of(args));
    Process p =
        new ProcessBuilder(cmd)
            .redirectErrorStream(true)
            .redirectOutput(out.toFile())
            .redirectInput(ProcessBuilder.Redirect.from(Path.of("/dev/null").toFile()))
            .start();
    if (!p.waitFor(SCRIPT_BOUND.toSeconds(), TimeUnit.SECONDS)) {
      p.descendants().forEach(ProcessHandle::destroyForcibly);
      p.destroyForcibly();
      p.waitFor(10, TimeUnit.SECONDS);
      throw new AssertionError(
          "sshfs-hosts.sh "
              + args[0]
              + " took over "
              + SCRIPT_BOUND
              + ": "
              + Files.readString(out));
    }
    return p.exitValue();
  }

  /** The script, from the module directory Maven runs the tests in. */
  private static Path script() {
    Path p = Path.of(System.getProperty("basedir", System.getProperty("user.dir")));
    return p.resolve("src/test/sh/sshfs-hosts.sh");
  }
}
