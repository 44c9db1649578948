package dev.spool.bench;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * A Spool process the harness started through {@code deploy/bin/spool} (a worker, a coordinator, a
 * dashboard): the command a user runs, with its own JVM flags. The launcher execs java, so the
 * process is the JVM itself and its CPU time can be read from /proc. Output goes to a log file in
 * the run's work directory. {@link #close} sends SIGTERM, waits up to 20 s, then kills.
 */
final class Daemon implements AutoCloseable {
  private static final long CLOCK_TICKS_PER_SECOND = 100;

  private final String name;
  private final Process process;
  private final Path log;

  private Daemon(String name, Process process, Path log) {
    this.name = name;
    this.process = process;
    this.log = log;
  }

  static Daemon start(
      Path launcher, Path logDir, String name, List<String> args, Map<String, String> env)
      throws IOException {
    List<String> cmd = new ArrayList<>();
    cmd.add(launcher.toString());
    cmd.addAll(args);
    Files.createDirectories(logDir);
    Path log = logDir.resolve(name + ".log");
    ProcessBuilder pb =
        new ProcessBuilder(cmd)
            .redirectErrorStream(true)
            .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()))
            .redirectInput(ProcessBuilder.Redirect.from(Path.of("/dev/null").toFile()));
    pb.environment().putAll(env);
    return new Daemon(name, pb.start(), log);
  }

  long pid() {
    return process.pid();
  }

  boolean alive() {
    return process.isAlive();
  }

  Path log() {
    return log;
  }

  /** CPU ticks of the process and of the children it has waited for (Linux /proc). */
  CpuTimes.Proc cpu() throws IOException {
    return CpuTimes.Proc.of(process.pid());
  }

  /** User + system CPU seconds the process has used so far (Linux /proc). */
  double cpuSeconds() throws IOException {
    return (double) CpuTimes.Proc.of(process.pid()).self() / CLOCK_TICKS_PER_SECOND;
  }

  /** Sends signal {@code name} (STOP, CONT, ...) to the JVM with kill(1); fails if it fails. */
  void signal(String name) throws IOException, InterruptedException {
    Process kill =
        new ProcessBuilder("kill", "-" + name, Long.toString(process.pid()))
            .redirectErrorStream(true)
            .start();
    if (!kill.waitFor(10, TimeUnit.SECONDS)) {
      kill.destroyForcibly();
      throw new IOException("kill -" + name + " " + process.pid() + " did not return in 10 s");
    }
    if (kill.exitValue() != 0) {
      throw new IOException(
          "kill -"
              + name
              + " "
              + process.pid()
              + " failed: "
              + new String(kill.getInputStream().readAllBytes(), StandardCharsets.UTF_8));
    }
  }

  /** Fails with the log's tail when the process is gone. */
  void checkAlive() throws IOException {
    if (!process.isAlive()) {
      throw new IllegalStateException(
          name + " exited with " + process.exitValue() + "; log tail:\n" + tail(log, 20));
    }
  }

  static String tail(Path file, int lines) throws IOException {
    if (!Files.exists(file)) {
      return "(no log)";
    }
    List<String> all = Files.readAllLines(file);
    return String.join("\n", all.subList(Math.max(0, all.size() - lines), all.size()));
  }

  /** SIGTERM, then SIGKILL after the grace; returns the exit code. */
  int stop(Duration grace) throws InterruptedException {
    process.destroy();
    if (!process.waitFor(grace.toMillis(), TimeUnit.MILLISECONDS)) {
      process.destroyForcibly();
      process.waitFor(10, TimeUnit.SECONDS);
    }
    return process.isAlive() ? -1 : process.exitValue();
  }

  /** Stops the process; an interrupt while waiting kills it at once and is kept. */
  @Override
  public void close() {
    try {
      stop(Duration.ofSeconds(20));
    } catch (InterruptedException e) {
      process.destroyForcibly();
      Thread.currentThread().interrupt();
    }
  }

  @Override
  public String toString() {
    return name + "(pid " + process.pid() + ")";
  }
}
