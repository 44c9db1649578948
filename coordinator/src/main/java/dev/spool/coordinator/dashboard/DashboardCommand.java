package dev.spool.coordinator.dashboard;

import java.io.IOException;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code spool dashboard}: serves the web dashboard until stopped. Read-only unless
 * --allow-actions; then the access token is read from --token-file or generated and printed.
 */
@Command(
    name = "dashboard",
    mixinStandardHelpOptions = true,
    description = "Serve the web dashboard and /metrics (read-only unless --allow-actions).")
public final class DashboardCommand implements Callable<Integer> {
  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Option(
      names = "--spool",
      paramLabel = "DIR",
      description = "The spool directory (default: $SPOOL_DIR).",
      defaultValue = "${env:SPOOL_DIR}")
  Path spool;

  @Option(names = "--port", defaultValue = "8080", description = "TCP port (default: 8080).")
  int port;

  @Option(
      names = "--bind",
      defaultValue = "127.0.0.1",
      description = "Address to listen on (default: 127.0.0.1).")
  String bind;

  @Option(
      names = "--allow-actions",
      description = "Allow cancel, hold, release, retry and drain, behind an access token.")
  boolean allowActions;

  @Option(
      names = "--token-file",
      paramLabel = "FILE",
      description = "Read the access token from FILE (default: generate one and print it).")
  Path tokenFile;

  @Option(
      names = "--rescan-seconds",
      defaultValue = "60",
      description = "List every state directory this often (default: 60).")
  int rescanSeconds;

  @Option(
      names = "--index-timeout-seconds",
      defaultValue = "600",
      description =
          "Give up starting if the first index scan takes longer (default: 600). The server"
              + " listens only once the index is complete.")
  int indexTimeoutSeconds;

  private final Clock clock;

  public DashboardCommand(Clock clock) {
    this.clock = clock;
  }

  @Override
  public Integer call() throws IOException, InterruptedException {
    if (spool == null) {
      throw new CommandLine.ParameterException(
          spec.commandLine(), "no spool: give --spool DIR or set SPOOL_DIR");
    }
    DashboardConfig config = DashboardConfig.readOnly(spool, port);
    config =
        new DashboardConfig(
            spool,
            InetAddress.getByName(bind),
            port,
            false,
            null,
            Duration.ofSeconds(Math.max(1, rescanSeconds)),
            config.sampleEvery(),
            config.deadAfter(),
            Duration.ofSeconds(Math.max(1, indexTimeoutSeconds)));
    String token = null;
    if (allowActions) {
      token = tokenFile != null ? readToken() : ActionGuard.newSecret();
      config = config.withActions(token);
    }
    CountDownLatch stop = new CountDownLatch(1);
    try (DashboardServer server = DashboardServer.start(config, clock, System::nanoTime)) {
      var out = spec.commandLine().getOut();
      out.printf(
          "spool dashboard: http://%s:%d/ (%s)%n",
          bind.contains(":") ? "[" + bind + "]" : bind,
          server.port(),
          allowActions ? "actions allowed" : "read-only");
      if (allowActions && tokenFile == null) {
        out.println("access token: " + token);
      }
      out.flush();
      Runtime.getRuntime().addShutdownHook(new Thread(stop::countDown, "spool-dashboard-stop"));
      stop.await();
    }
    return 0;
  }

  private String readToken() throws IOException {
    String t = Files.readString(tokenFile, StandardCharsets.UTF_8).strip();
    if (t.length() < 16 || t.contains("\n")) {
      throw new CommandLine.ParameterException(
          spec.commandLine(), "--token-file: the token must be one line of 16 characters or more");
    }
    return t;
  }
}
