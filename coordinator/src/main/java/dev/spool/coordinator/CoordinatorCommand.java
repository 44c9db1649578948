package dev.spool.coordinator;

import dev.spool.coordinator.hooks.HooksFile;
import dev.spool.coordinator.lease.LeaseConfig;
import dev.spool.protocol.InvalidInputException;
import dev.spool.protocol.spool.SpoolFormatException;
import dev.spool.protocol.spool.SpoolLayout;
import java.io.IOException;
import java.net.InetAddress;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code spool coordinator --spool DIR}: runs the coordinator daemon in the foreground until
 * SIGTERM or SIGINT (then it stops its loop, releases the lease so a standby takes over at once,
 * and closes the WAL). If another coordinator holds the lease, this one waits as a standby.
 *
 * <p>Exit codes: 0 after a signal, 2 for a missing or incompatible spool, 3 when the WAL is corrupt
 * (the error names the file and offset), 4 for an invalid hooks file.
 */
@Command(
    name = "coordinator",
    mixinStandardHelpOptions = true,
    description = {
      "Run the coordinator of a spool: recovers dead workers' tasks, schedules retries,",
      "expires waiting tasks, releases dependent tasks, carries out cancel requests.",
      "A second coordinator on the same spool waits as a standby."
    })
public final class CoordinatorCommand implements Callable<Integer> {
  static final int EXIT_SPOOL = 2;
  static final int EXIT_WAL_CORRUPT = 3;
  static final int EXIT_CONFIG = 4;

  @Option(names = "--spool", required = true, description = "The spool directory.")
  Path spool;

  @Option(
      names = "--interval",
      defaultValue = "250ms",
      converter = DurationConverter.class,
      description = "Pause between two passes while there is work (default ${DEFAULT-VALUE}).")
  Duration interval;

  @Option(
      names = "--idle-interval",
      defaultValue = "2s",
      converter = DurationConverter.class,
      description =
          "Longest pause between two passes while nothing changes: the pause doubles from"
              + " --interval with each idle pass, up to this (default ${DEFAULT-VALUE}).")
  Duration idleInterval;

  @Option(
      names = "--dead-after",
      defaultValue = "15s",
      converter = DurationConverter.class,
      description = "A worker whose heartbeat does not change this long is dead (default 15s).")
  Duration deadAfter;

  @Option(
      names = "--lease-timeout",
      defaultValue = "10s",
      converter = DurationConverter.class,
      description = "A standby takes over after the lease is unchanged this long (default 10s).")
  Duration leaseTimeout;

  @Option(
      names = "--timeout-grace",
      defaultValue = "60s",
      converter = DurationConverter.class,
      description = "Request a cancel of a task this long past its hard timeout (default 60s).")
  Duration timeoutGrace;

  @Option(
      names = "--unroutable-after",
      defaultValue = "10m",
      converter = DurationConverter.class,
      description =
          "A pending task no live worker has a lane (or type) for goes to dead/ (no_lane) after"
              + " this long; 0s never (default 10m).")
  Duration unroutableAfter;

  @Option(
      names = "--hooks",
      description = "A hooks file (JSON: {\"hooks\": [{\"on\": \"task_dead\", \"argv\": [...]}]}).")
  Path hooks;

  @Option(names = "--id", description = "This coordinator's id (default host-pid-random).")
  String id;

  private final CountDownLatch stop = new CountDownLatch(1);

  @Override
  public Integer call() throws Exception {
    SpoolLayout layout;
    try {
      layout = SpoolLayout.open(spool);
    } catch (SpoolFormatException e) {
      System.err.println("spool coordinator: " + e.getMessage());
      return EXIT_SPOOL;
    }
    CoordinatorConfig config;
    try {
      config = config();
    } catch (InvalidInputException e) {
      System.err.println("spool coordinator: " + e.getMessage());
      return EXIT_CONFIG;
    }
    Coordinator coordinator = new Coordinator(layout, config, Clock.systemUTC(), System::nanoTime);
    Thread hook = new Thread(() -> shutdown(coordinator), "spool-coordinator-shutdown");
    Runtime.getRuntime().addShutdownHook(hook);
    coordinator.start();
    // Once a second: a corrupt WAL ends the process within a second, and an idle coordinator's
    // main thread does not wake five times as often as its passes.
    while (!stop.await(1, TimeUnit.SECONDS)) {
      Optional<Throwable> failure = coordinator.failure();
      if (failure.isPresent()) {
        System.err.println("spool coordinator: " + failure.get().getMessage());
        Runtime.getRuntime().removeShutdownHook(hook);
        coordinator.close();
        return EXIT_WAL_CORRUPT;
      }
    }
    return 0;
  }

  private void shutdown(Coordinator coordinator) {
    coordinator.close();
    stop.countDown();
  }

  private CoordinatorConfig config() throws IOException, InvalidInputException {
    String host = host();
    long pid = ProcessHandle.current().pid();
    String owner =
        id != null
            ? id
            : host + "-" + pid + "-" + Integer.toHexString(ThreadLocalRandom.current().nextInt());
    Duration renew = LeaseConfig.renewEvery(leaseTimeout);
    Duration pause = LeaseConfig.pauseThreshold(interval, idleInterval);
    return new CoordinatorConfig(
        interval,
        deadAfter,
        new LeaseConfig(owner, host, pid, leaseTimeout, renew, pause),
        timeoutGrace,
        hooks == null ? List.of() : HooksFile.read(hooks).hooks(),
        null,
        unroutableAfter,
        idleInterval);
  }

  private static String host() {
    try {
      String h = InetAddress.getLocalHost().getHostName().replaceAll("[^A-Za-z0-9._-]", "-");
      return h.isEmpty() || !Character.isLetterOrDigit(h.charAt(0)) ? "host" : h;
    } catch (IOException e) {
      return "host";
    }
  }

  /** Runs the command as its own program (the systemd unit and crash tests use this). */
  public static void main(String[] args) {
    System.exit(new CommandLine(new CoordinatorCommand()).execute(args));
  }
}
