package dev.spool.deploy.lanes;

import dev.spool.coordinator.Coordinator;
import dev.spool.coordinator.CoordinatorConfig;
import dev.spool.coordinator.lease.LeaseConfig;
import dev.spool.protocol.InvalidInputException;
import dev.spool.protocol.fs.AtomicFiles;
import dev.spool.protocol.fs.FileOps;
import dev.spool.protocol.json.SpoolJson;
import dev.spool.protocol.result.AttemptResult;
import dev.spool.protocol.spool.SpoolLayout;
import dev.spool.protocol.spool.TaskMoves;
import dev.spool.protocol.spool.TaskName;
import dev.spool.protocol.spool.TaskState;
import dev.spool.protocol.task.Task;
import dev.spool.worker.Worker;
import dev.spool.worker.config.ConfigFile;
import dev.spool.worker.config.WorkerConfig;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * A real spool in a temporary directory with the fake CLIs, a routing file, and real workers and a
 * real coordinator started in-process. Closing stops them all.
 */
final class LaneFleet {
  static final List<String> CLIS =
      List.of(
          "answer.sh",
          "rate-limited-until.sh",
          "auth-by-env.sh",
          "rate-limited.sh",
          "auth-expired.sh",
          "asks-question.sh",
          "waits-forever.sh",
          "usage-cost.sh",
          "slow-output.sh",
          "fails.sh",
          "session.sh",
          "structured.sh");

  final Path dir;
  final Path bin;
  final SpoolLayout layout;
  final AtomicFiles files;
  final TaskMoves moves;
  private final List<Runnable> running = new ArrayList<>();

  LaneFleet(Path dir) throws Exception {
    this.dir = dir;
    this.layout = SpoolLayout.create(dir.resolve("spool"), Instant.now());
    this.files = new AtomicFiles(FileOps.real(), layout.tmp(), false);
    this.moves = new TaskMoves(layout, files);
    this.bin = Files.createDirectories(dir.resolve("bin"));
    for (String cli : CLIS) {
      try (InputStream in = LaneFleet.class.getResourceAsStream("/fake-cli/" + cli)) {
        Path p = bin.resolve(cli);
        Files.copy(in, p);
        Files.setPosixFilePermissions(p, PosixFilePermissions.fromString("rwxr-xr-x"));
      }
    }
  }

  /** Writes {@code config/routing.yaml}. */
  void routing(String yaml) throws IOException {
    Files.writeString(layout.routingFile(), yaml);
  }

  /** The path of a fake CLI. */
  String cli(String name) {
    return bin.resolve(name).toString();
  }

  /** Starts a worker whose config is {@code yaml} (the lanes and anything else). */
  Worker worker(String id, String yaml) throws Exception {
    Path file = dir.resolve(id + ".yaml");
    Files.writeString(file, yaml);
    WorkerConfig.Builder b =
        WorkerConfig.builder(layout.root())
            .workerId(id)
            .slots(4)
            .heartbeatInterval(Duration.ofMillis(200))
            .rescanInterval(Duration.ofMillis(200))
            .killGrace(Duration.ofMillis(300))
            .drainTimeout(Duration.ofMillis(300))
            .livenessCheck(Duration.ofMillis(700))
            .scratchDir(dir.resolve("scratch"));
    ConfigFile.apply(file, b);
    Worker w = new Worker(b.build());
    w.start();
    running.add(w::close);
    return w;
  }

  /** Starts the coordinator (250 ms passes). */
  Coordinator coordinator() {
    CoordinatorConfig c =
        new CoordinatorConfig(
            Duration.ofMillis(250),
            Duration.ofSeconds(15),
            new LeaseConfig(
                "test",
                "test-host",
                ProcessHandle.current().pid(),
                Duration.ofSeconds(10),
                Duration.ofSeconds(1),
                Duration.ofSeconds(2)),
            Duration.ofSeconds(30),
            List.of(),
            () -> 0.5);
    Coordinator co = new Coordinator(layout, c, Clock.systemUTC(), System::nanoTime);
    co.start();
    running.add(co::close);
    return co;
  }

  /** Submits a task to pending/ as attempt 1. */
  void submit(Task task) throws IOException {
    moves.publish(
        new TaskName.Pending(task.priority(), task.createdAt().toEpochMilli(), task.id(), 1), task);
  }

  static Task prompt(String id, String type, String prompt) {
    return Task.builder(id)
        .createdAt(Instant.now())
        .type(type)
        .input(
            com.fasterxml.jackson.databind.node.JsonNodeFactory.instance
                .objectNode()
                .put("prompt", prompt))
        .maxRetries(0)
        .build();
  }

  boolean in(TaskState state, String id) {
    return Files.exists(layout.terminal(state, id));
  }

  int count(TaskState state) {
    try (Stream<Path> s = Files.list(layout.dir(state))) {
      return (int) s.filter(p -> !p.getFileName().toString().startsWith(".")).count();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** True when attempt {@code attempt} of {@code id} sits in failed/. */
  boolean failed(String id, int attempt) {
    return Files.exists(layout.path(new TaskName.Parked(TaskState.FAILED, id, attempt)));
  }

  /** True when attempt {@code attempt} of {@code id} has a published result. */
  boolean hasResult(String id, int attempt) {
    return Files.exists(layout.result(id, attempt));
  }

  Optional<AttemptResult> result(String id, int attempt) throws IOException {
    Path p = layout.result(id, attempt);
    if (!Files.exists(p)) {
      return Optional.empty();
    }
    try {
      return Optional.of(SpoolJson.read(p.toString(), Files.readAllBytes(p), AttemptResult.class));
    } catch (InvalidInputException e) {
      throw new IOException(e);
    }
  }

  /** Every result of a task, in attempt order. */
  List<AttemptResult> results(String id) throws IOException {
    List<AttemptResult> out = new ArrayList<>();
    for (int a = 1; ; a++) {
      Optional<AttemptResult> r = result(id, a);
      if (r.isEmpty()) {
        return out;
      }
      out.add(r.get());
    }
  }

  /** Stops the workers and the coordinator, newest first. */
  void close() {
    for (int i = running.size() - 1; i >= 0; i--) {
      running.get(i).run();
    }
  }
}
