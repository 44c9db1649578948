package dev.spool.coordinator;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.spool.coordinator.decision.CrashPoints;
import dev.spool.protocol.control.ControlRequest;
import dev.spool.protocol.fs.AtomicFiles;
import dev.spool.protocol.fs.FileOps;
import dev.spool.protocol.json.SpoolJson;
import dev.spool.protocol.result.AttemptResult;
import dev.spool.protocol.result.EndNote;
import dev.spool.protocol.result.Outcome;
import dev.spool.protocol.spool.Actor;
import dev.spool.protocol.spool.SpoolLayout;
import dev.spool.protocol.spool.TaskMoves;
import dev.spool.protocol.spool.TaskName;
import dev.spool.protocol.spool.TaskState;
import dev.spool.protocol.spool.TerminalReason;
import dev.spool.protocol.task.Task;
import dev.spool.protocol.testing.Await;
import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Real crashes: a coordinator child JVM halts (as kill -9 would) at a named step between a
 * decision's WAL append and the renames it announces; a second child starts on the same spool and
 * must finish every decision exactly once. Each crash point runs {@code spool.crash.repeat} times
 * (default 3 in every build; the full run, 10 times, about 5 minutes on two cores, is
 * {@code mvn -B -pl coordinator -am verify -Dit.test=CoordinatorCrashIT
 * -Dfailsafe.failIfNoSpecifiedTests=false -Dspool.crash.repeat=10}).
 */
@Timeout(600)
class CoordinatorCrashIT {
  private static final Instant T0 = Instant.parse("2026-11-21T10:00:00Z");

  @TempDir Path tmp;

  static List<String> crashPoints() {
    int repeat = Integer.getInteger("spool.crash.repeat", 3);
    List<String> out = new ArrayList<>();
    for (int i = 0; i < repeat; i++) {
      out.add(CrashPoints.AFTER_WAL_APPEND);
      out.add(CrashPoints.AFTER_RESULT_PUBLISH);
      out.add(CrashPoints.AFTER_END_NOTE);
      out.add(CrashPoints.AFTER_MOVE);
      out.add(CrashPoints.BEFORE_CONTROL_REMOVED);
    }
    return out;
  }

  @ParameterizedTest
  @MethodSource("crashPoints")
  void aCrashBetweenWalAndRenameIsFinishedExactlyOnceOnRestart(String point) throws Exception {
    Path root = tmp.resolve("spool");
    SpoolLayout layout = SpoolLayout.create(root, T0);
    AtomicFiles files = new AtomicFiles(FileOps.real(), layout.tmp(), true);
    TaskMoves moves = new TaskMoves(layout, files);
    seed(layout, files, moves);

    Process first = child(root, point, tmp.resolve("first.log"));
    assertTrue(first.waitFor(60, TimeUnit.SECONDS), "first coordinator reached " + point);
    assertEquals(137, first.exitValue(), "halted at " + point + ": " + log("first.log"));

    Process second = child(root, null, tmp.resolve("second.log"));
    try {
      Await.until(
          Duration.ofSeconds(60), "recovery after a crash at " + point, () -> settled(layout));
    } finally {
      second.destroy();
      assertTrue(second.waitFor(30, TimeUnit.SECONDS));
    }
    check(layout);
  }

  private String log(String name) throws Exception {
    return Files.readString(tmp.resolve(name));
  }

  private static Task task(String id, int maxRetries) {
    return Task.builder(id).createdAt(T0).argv(List.of("x")).maxRetries(maxRetries).build();
  }

  private static AttemptResult result(String id, Outcome o) {
    return new AttemptResult(
        null, id, 1, "ghost", 1L, null, null, T0, null, o, null, null, null, null, null, null, null,
        null, null);
  }

  /** One task for each kind of decision; no live worker (the claim's owner never beats). */
  private static void seed(SpoolLayout layout, AtomicFiles files, TaskMoves moves)
      throws Exception {
    for (String id : List.of("fail", "retry", "lost", "cancel")) {
      int maxRetries = id.equals("fail") ? 0 : 3;
      moves.publish(new TaskName.Pending(500, T0.toEpochMilli(), id, 1), task(id, maxRetries));
    }
    for (String id : List.of("fail", "retry")) {
      TaskName.Claimed c =
          moves.tryClaim(new TaskName.Pending(500, T0.toEpochMilli(), id, 1), "ghost", 1).get();
      files.publishIfAbsent(
          layout.result(id, 1), SpoolJson.write(result(id, new Outcome.Failed(1, null))));
      moves.tryMove(c, new TaskName.Parked(TaskState.FAILED, id, 1), Actor.WORKER);
    }
    moves.tryClaim(new TaskName.Pending(500, T0.toEpochMilli(), "lost", 1), "ghost", 1).get();
    files.publishIfAbsent(
        layout.cancelRequest("cancel"),
        SpoolJson.write(new ControlRequest.Cancel(null, "cancel", T0, "it", "crash test")));
  }

  private static boolean settled(SpoolLayout layout) {
    return Files.exists(layout.terminal(TaskState.DEAD, "fail"))
        && Files.exists(layout.terminal(TaskState.CANCELLED, "cancel"))
        && !Files.exists(layout.cancelRequest("cancel"))
        && names(layout, TaskState.FAILED).isEmpty()
        && names(layout, TaskState.CLAIMED).isEmpty();
  }

  private static List<String> names(SpoolLayout layout, TaskState state) {
    try (Stream<Path> s = Files.list(layout.dir(state))) {
      return s.map(p -> p.getFileName().toString())
          .filter(n -> !n.startsWith("."))
          .collect(Collectors.toList());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Every task in exactly one state, with the attempt and results a single decision gives. */
  private static void check(SpoolLayout layout) throws Exception {
    List<String> all = new ArrayList<>();
    for (TaskState s : TaskState.values()) {
      for (String n : names(layout, s)) {
        all.add(s.dirName() + "/" + n);
      }
    }
    assertEquals(4, all.size(), "each task exactly once: " + all);
    assertTrue(all.contains("dead/fail.json"), all.toString());
    assertTrue(all.contains("cancelled/cancel.json"), all.toString());
    assertTrue(
        all.stream().anyMatch(n -> n.matches("(scheduled|pending)/.*~retry~2\\.json")),
        "retry moved once, to attempt 2: " + all);
    assertTrue(
        all.stream().anyMatch(n -> n.matches("pending/.*~lost~2\\.json")),
        "lost requeued once, to attempt 2: " + all);
    AttemptResult lost =
        SpoolJson.read("r", Files.readAllBytes(layout.result("lost", 1)), AttemptResult.class);
    assertEquals(Outcome.Kind.LOST, lost.outcome().kind());
    assertFalse(Files.exists(layout.result("lost", 2)));
    assertFalse(Files.exists(layout.result("retry", 2)));
    EndNote fail = SpoolJson.read("n", Files.readAllBytes(layout.endNote("fail")), EndNote.class);
    assertEquals(TerminalReason.MAX_RETRIES, fail.reason());
    EndNote cancel =
        SpoolJson.read("n", Files.readAllBytes(layout.endNote("cancel")), EndNote.class);
    assertEquals(TerminalReason.CANCELLED, cancel.reason());
  }

  private static Process child(Path spool, String crashAt, Path log) throws Exception {
    List<String> cmd = new ArrayList<>();
    cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    cmd.add("-Xmx64m");
    cmd.add("-XX:TieredStopAtLevel=1");
    if (crashAt != null) {
      cmd.add("-Dspool.coordinator.crashAt=" + crashAt);
    }
    cmd.add("-cp");
    cmd.add(System.getProperty("java.class.path"));
    cmd.add(CoordinatorCommand.class.getName());
    cmd.addAll(
        List.of(
            "--spool",
            spool.toString(),
            "--interval",
            "50ms",
            "--dead-after",
            "1s",
            "--lease-timeout",
            "1s"));
    return new ProcessBuilder(cmd)
        .redirectErrorStream(true)
        .redirectOutput(log.toFile())
        .directory(new File(System.getProperty("java.io.tmpdir")))
        .start();
  }
}
