package dev.spool.worker.exec;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * What to start for one attempt and the bounds it runs under.
 *
 * @param stdin bytes for the process's stdin, or null for an immediately closed stdin (EOF)
 * @param token unique per attempt; put in the environment to find descendants that left the tree
 */
public record LaunchSpec(
    List<String> argv,
    Map<String, String> env,
    Path cwd,
    byte[] stdin,
    OutputFiles output,
    Limits limits,
    String token) {
  public LaunchSpec {
    argv = List.copyOf(argv);
    if (argv.isEmpty()) {
      throw new IllegalArgumentException("argv must not be empty");
    }
    env = Map.copyOf(env);
    Objects.requireNonNull(cwd, "cwd");
    Objects.requireNonNull(output, "output");
    Objects.requireNonNull(limits, "limits");
    Objects.requireNonNull(token, "token");
  }

  /** Where stdout and stderr go, and the cap of each. */
  public record OutputFiles(Path stdout, Path stderr, long capBytes) {}

  /** Hard timeout, idle-output timeout and the SIGTERM-to-SIGKILL grace. */
  public record Limits(Duration timeout, Duration idleTimeout, Duration killGrace) {
    public Limits {
      Objects.requireNonNull(timeout, "timeout");
      Objects.requireNonNull(idleTimeout, "idle_timeout");
      Objects.requireNonNull(killGrace, "kill_grace");
    }
  }
}
