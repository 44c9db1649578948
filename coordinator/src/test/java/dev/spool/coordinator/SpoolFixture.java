package dev.spool.coordinator;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.spool.coordinator.lease.LeaseConfig;
import dev.spool.protocol.fs.AtomicFiles;
import dev.spool.protocol.fs.FileOps;
import dev.spool.protocol.heartbeat.Heartbeat;
import dev.spool.protocol.json.SpoolJson;
import dev.spool.protocol.result.AttemptResult;
import dev.spool.protocol.result.EndNote;
import dev.spool.protocol.result.Outcome;
import dev.spool.protocol.spool.Actor;
import dev.spool.protocol.spool.SpoolLayout;
import dev.spool.protocol.spool.TaskMoves;
import dev.spool.protocol.spool.TaskName;
import dev.spool.protocol.spool.TaskState;
import dev.spool.protocol.task.Task;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * A real spool in a temp dir, a fake clock, and helpers that play the worker's part with the
 * protocol API (claim, publish a result, fenced finish, heartbeat).
 */
final class SpoolFixture {
  static final Instant T0 = Instant.parse("2026-11-21T10:00:00Z");

  final FakeTime time = new FakeTime(T0);
  final SpoolLayout layout;
  final AtomicFiles files;
  final TaskMoves moves;

  SpoolFixture(Path root) throws Exception {
    this.layout = SpoolLayout.create(root, T0);
    this.files = new AtomicFiles(FileOps.real(), layout.tmp(), true);
    this.moves = new TaskMoves(layout, files);
  }

  CoordinatorConfig config(String owner) {
    return new CoordinatorConfig(
        Duration.ofMillis(250),
        Duration.ofSeconds(15),
        new LeaseConfig(
            owner,
            "test-host",
            1,
            Duration.ofSeconds(10),
            Duration.ofSeconds(1),
            Duration.ofSeconds(2)),
        Duration.ofSeconds(30),
        List.of(),
        () -> 0.5);
  }

  Coordinator coordinator(String owner) {
    return new Coordinator(layout, config(owner), time, time::nanoTime);
  }

  /**
   * Moves time past the slow-scan interval and makes one pass, so pending/ and blocked/ are seen.
   */
  void slowPass(Coordinator c) throws Exception {
    time.advance(SpoolPass.SLOW_SCAN_EVERY);
    c.tickOnce();
  }

  void submit(Task task) throws IOException {
    moves.publish(new TaskName.Pending(task.priority(), T0.toEpochMilli(), task.id(), 1), task);
  }

  void publish(TaskName name, Task task) throws IOException {
    moves.publish(name, task);
  }

  /** The first pending entry of {@code id}, if any. */
  Optional<TaskName> find(TaskState state, String id) {
    return names(state).stream().filter(n -> n.id().equals(id)).findFirst();
  }

  List<TaskName> names(TaskState state) {
    try (Stream<Path> s = Files.list(layout.dir(state))) {
      return s.map(p -> layout.parse(state, p.getFileName().toString()))
          .flatMap(Optional::stream)
          .sorted((a, b) -> a.fileName().compareTo(b.fileName()))
          .collect(Collectors.toList());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Worker side: claims the pending entry of {@code id}. */
  TaskName.Claimed claim(String id, String worker, long incarnation) throws IOException {
    TaskName.Pending p = (TaskName.Pending) find(TaskState.PENDING, id).orElseThrow();
    return moves.tryClaim(p, worker, incarnation).orElseThrow();
  }

  AttemptResult result(TaskName.Claimed c, Outcome outcome) {
    return new AttemptResult(
        null,
        c.id(),
        c.attempt(),
        c.worker(),
        c.incarnation(),
        "h",
        time.instant(),
        time.instant(),
        Duration.ZERO,
        outcome,
        null,
        null,
        null,
        null,
        null,
        null,
        null,
        null,
        null);
  }

  /** Worker side: publishes the result; true if it decided the attempt. */
  boolean publishResult(TaskName.Claimed c, Outcome outcome) throws IOException {
    return files.publishIfAbsent(
        layout.result(c.id(), c.attempt()), SpoolJson.write(result(c, outcome)));
  }

  /** Worker side: publish + fenced finish, as the worker does. */
  boolean finish(TaskName.Claimed c, Outcome outcome) throws IOException {
    if (!publishResult(c, outcome)) {
      return false;
    }
    TaskName to =
        outcome.kind() == Outcome.Kind.SUCCEEDED
            ? new TaskName.Terminal(TaskState.DONE, c.id())
            : new TaskName.Parked(TaskState.FAILED, c.id(), c.attempt());
    return moves.tryMove(c, to, Actor.WORKER);
  }

  void heartbeat(String worker, long incarnation, long seq) throws IOException {
    Heartbeat hb =
        new Heartbeat(
            null,
            worker,
            incarnation,
            "h",
            1L,
            "1",
            T0,
            seq,
            time.instant(),
            0,
            1,
            null,
            null,
            null,
            false,
            false,
            null,
            null,
            null,
            null,
            null,
            null,
            null,
            null,
            null);
    files.replace(layout.heartbeat(worker), SpoolJson.write(hb));
  }

  AttemptResult readResult(String id, int attempt) throws Exception {
    Path p = layout.result(id, attempt);
    return SpoolJson.read(p.toString(), Files.readAllBytes(p), AttemptResult.class);
  }

  EndNote endNote(String id) throws Exception {
    Path p = layout.endNote(id);
    return SpoolJson.read(p.toString(), Files.readAllBytes(p), EndNote.class);
  }

  boolean terminal(TaskState state, String id) {
    return Files.exists(layout.terminal(state, id));
  }

  void assertOnlyIn(TaskState state, String id) {
    int found = 0;
    for (TaskState s : TaskState.values()) {
      boolean here = s.isTerminal() ? terminal(s, id) : find(s, id).isPresent();
      if (here) {
        found++;
        assertEquals(state, s, id + " is in " + s.dirName() + "/");
      }
    }
    assertEquals(1, found, id + " must be in exactly one state");
  }
}
