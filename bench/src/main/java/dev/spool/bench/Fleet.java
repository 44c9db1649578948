package dev.spool.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.spool.protocol.spool.SpoolLayout;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.locks.LockSupport;

/**
 * The daemons of one benchmark spool: a coordinator and workers, each its own JVM started by the
 * launcher exactly as an operator would. Start-up waits are bounded; {@link #close} stops every
 * daemon (workers first, so none is declared dead while the coordinator stops).
 */
final class Fleet implements AutoCloseable {
  private static final Duration READY = Duration.ofSeconds(120);
  private static final ObjectMapper JSON = new ObjectMapper();

  private final Path launcher;
  private final SpoolLayout layout;
  private final Path logDir;
  private final List<Daemon> workers = new ArrayList<>();
  private Daemon coordinator;

  Fleet(Path launcher, SpoolLayout layout, Path logDir) {
    this.launcher = launcher;
    this.layout = layout;
    this.logDir = logDir;
  }

  SpoolLayout layout() {
    return layout;
  }

  Daemon coordinator() throws IOException, InterruptedException, TimeoutException {
    coordinator =
        Daemon.start(
            launcher,
            logDir,
            "coordinator",
            List.of("coordinator", "--spool", layout.root().toString()),
            Map.of("SPOOL_JAVA_OPTS", profileOpts("")));
    awaitFile(coordinator, layout.coordinatorLease());
    return coordinator;
  }

  /** Starts a worker and returns once its first heartbeat is on disk. */
  Daemon worker(String id, int slots, List<String> extraArgs, String javaOpts)
      throws IOException, InterruptedException, TimeoutException {
    List<String> args = new ArrayList<>();
    args.addAll(
        List.of(
            "worker",
            "--spool",
            layout.root().toString(),
            "--id",
            id,
            "--slots",
            Integer.toString(slots),
            "--allow-argv"));
    args.addAll(extraArgs);
    Daemon w =
        Daemon.start(launcher, logDir, id, args, Map.of("SPOOL_JAVA_OPTS", profileOpts(javaOpts)));
    workers.add(w);
    awaitFile(w, layout.heartbeat(id));
    return w;
  }

  /**
   * {@code opts} plus {@code SPOOL_BENCH_DAEMON_OPTS} from the harness's environment: JVM flags for
   * every daemon, for profiling a workload (for example a flight recording into a directory).
   */
  private static String profileOpts(String opts) {
    String extra = System.getenv("SPOOL_BENCH_DAEMON_OPTS");
    return extra == null || extra.isBlank() ? opts : (opts + " " + extra).trim();
  }

  void stopWorkers() {
    for (Daemon w : workers) {
      w.close();
    }
    workers.clear();
  }

  /** The worker's heartbeat as a JSON tree, read without the strict codec (fields may be new). */
  Optional<JsonNode> heartbeat(String id) throws IOException {
    Path p = layout.heartbeat(id);
    return Files.exists(p) ? Optional.of(JSON.readTree(p.toFile())) : Optional.empty();
  }

  /** Waits until the worker has written a heartbeat newer than the one on disk now. */
  Optional<JsonNode> nextHeartbeat(String id) throws IOException {
    long seq = heartbeat(id).map(h -> h.path("seq").asLong()).orElse(-1L);
    long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
    while (System.nanoTime() < deadline) {
      Optional<JsonNode> h = heartbeat(id);
      if (h.isPresent() && h.get().path("seq").asLong() > seq) {
        return h;
      }
      LockSupport.parkNanos(Duration.ofMillis(50).toNanos());
    }
    return heartbeat(id);
  }

  private static void awaitFile(Daemon d, Path file)
      throws IOException, InterruptedException, TimeoutException {
    long deadline = System.nanoTime() + READY.toNanos();
    while (!Files.exists(file)) {
      d.checkAlive();
      if (System.nanoTime() > deadline) {
        throw new TimeoutException(d + " wrote no " + file + " in " + READY);
      }
      if (Thread.interrupted()) {
        throw new InterruptedException();
      }
      LockSupport.parkNanos(Duration.ofMillis(10).toNanos());
    }
  }

  @Override
  public void close() {
    stopWorkers();
    if (coordinator != null) {
      coordinator.close();
      coordinator = null;
    }
  }
}
