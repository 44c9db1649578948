package dev.spool.chaos;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.spool.coordinator.decision.CrashPoints;
import dev.spool.protocol.spool.TaskState;
import dev.spool.protocol.testing.Await;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import java.util.zip.CRC32C;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Scenario 3: the coordinator JVM halts at each of its named steps around a WAL append ({@link
 * CrashPoints}: after the append, after a lost result is published, after an end note, after the
 * move, before a cancel request is removed) while real workers run a workload that needs every kind
 * of decision (retries, dead ends, a dead worker's claims, cancels); a fresh coordinator finishes
 * the work. And torn WAL tails: the coordinator is killed, a prefix of a real frame (no newline, as
 * a crash mid-append leaves) is appended to the live WAL file, and the next coordinator must drop
 * it and go on.
 */
@Timeout(900)
class CoordinatorCrashPointIT {
  @TempDir Path tmp;
  private Scenario scenario;

  @AfterEach
  void cleanUp() throws Exception {
    if (scenario != null) {
      scenario.close();
    }
  }

  static List<String> points() {
    List<String> out = new ArrayList<>();
    for (int i = 0; i < Size.pick(1, 10); i++) {
      out.addAll(
          List.of(
              CrashPoints.AFTER_WAL_APPEND,
              CrashPoints.AFTER_RESULT_PUBLISH,
              CrashPoints.AFTER_END_NOTE,
              CrashPoints.AFTER_MOVE,
              CrashPoints.BEFORE_CONTROL_REMOVED));
    }
    return out;
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("points")
  void aCoordinatorKilledAroundAWalAppendFinishesEveryDecisionOnce(String point) throws Exception {
    scenario = new Scenario("coordinator-crash-" + point, tmp);
    Cluster c = scenario.cluster;
    Workload w = scenario.workload;
    // A dead worker's claims first: w0 takes slow tasks and is killed before any coordinator runs.
    w.succeeding("slow", 2, Duration.ofSeconds(2));
    Cluster.Daemon w0 = c.worker("w0", 2);
    Await.until(
        Duration.ofSeconds(60),
        "w0 claims both slow tasks",
        () -> count(c, TaskState.CLAIMED) == 2);
    c.kill9(w0);
    scenario.fault();
    w.succeeding("t", 6, Duration.ofMillis(200));
    w.failing("f1", 1);
    w.failing("f2", 0);
    w.cancelWhileScheduled("c1");
    w.cancelWhileScheduled("c2");
    Cluster.Daemon first = c.coordinator(Map.of("spool.coordinator.crashAt", point), List.of());
    c.worker("w1", 2);
    assertEquals(137, c.awaitExit(first, Duration.ofSeconds(60)), c.tail(first));
    scenario.fault();
    c.coordinator(Map.of(), List.of());
    scenario.settle(Duration.ofSeconds(90));
    Invariants.Report r = scenario.finish("point=" + point);
    assertEquals(8, r.states().get(TaskState.DONE));
    assertEquals(2, r.states().get(TaskState.DEAD));
    assertEquals(2, r.states().get(TaskState.CANCELLED));
  }

  @Test
  void tornWalTailsAreDroppedAndTheCoordinatorGoesOn() throws Exception {
    scenario = new Scenario("coordinator-torn-wal", tmp);
    Cluster c = scenario.cluster;
    Workload w = scenario.workload;
    c.worker("w1", 2);
    Cluster.Daemon coord = c.coordinator(Map.of(), List.of());
    for (int i = 0; i < 4; i++) {
      w.failing("f" + i, 2);
    }
    Await.until(Duration.ofSeconds(60), "the WAL has records", () -> lastFrame(c).length() > 0);
    String frame = lastFrame(c);
    List<Integer> offsets = new ArrayList<>();
    if (Size.soak()) {
      for (int k = 1; k <= frame.length(); k += Math.max(1, frame.length() / 60)) {
        offsets.add(k);
      }
    } else {
      offsets.addAll(List.of(1, frame.length() / 2, frame.length()));
    }
    for (int k : offsets) {
      c.kill9(coord);
      Path wal = liveWal(c);
      Files.write(
          wal, frame.substring(0, k).getBytes(StandardCharsets.UTF_8), StandardOpenOption.APPEND);
      scenario.fault();
      coord = c.coordinator(Map.of(), List.of());
      Cluster.Daemon started = coord;
      Await.until(
          Duration.ofSeconds(60),
          "the torn tail of " + k + " bytes is dropped",
          () -> endsOnALine(c) || !started.alive());
      assertTrue(coord.alive(), "coordinator survives a torn tail: " + c.tail(coord));
      w.succeeding("k" + k + "-", 1, Duration.ZERO);
    }
    scenario.settle(Duration.ofSeconds(120));
    assertWholeFrames(c);
    Invariants.Report r = scenario.finish("tears=" + offsets.size() + " frame=" + frame.length());
    assertEquals(4, r.states().get(TaskState.DEAD));
  }

  /** True when the live WAL file ends on a whole line (the torn tail was cut off). */
  private static boolean endsOnALine(Cluster c) {
    try {
      byte[] b = Files.readAllBytes(liveWal(c));
      return b.length == 0 || b[b.length - 1] == '\n';
    } catch (IOException | AssertionError e) {
      return false;
    }
  }

  /** Every line of every WAL file is a whole frame: {@code <length> <crc32c> <json>}. */
  private static void assertWholeFrames(Cluster c) throws IOException {
    try (Stream<Path> s = Files.list(c.layout.wal())) {
      for (Path f : s.filter(p -> p.toString().endsWith(".wal")).toList()) {
        for (String line : Files.readAllLines(f)) {
          String[] parts = line.split(" ", 3);
          byte[] json = parts[2].getBytes(StandardCharsets.UTF_8);
          CRC32C crc = new CRC32C();
          crc.update(json);
          assertEquals(Integer.parseInt(parts[0]), json.length, f + ": " + line);
          assertEquals(String.format("%08x", crc.getValue()), parts[1], f + ": " + line);
        }
      }
    }
  }

  private static Path liveWal(Cluster c) throws IOException {
    try (Stream<Path> s = Files.list(c.layout.wal())) {
      return s.filter(p -> p.toString().endsWith(".wal"))
          .max(Comparator.naturalOrder())
          .orElseThrow(() -> new AssertionError("no WAL file"));
    }
  }

  /** The last complete line of the live WAL file, without its newline; "" when none. */
  private static String lastFrame(Cluster c) {
    try {
      List<String> lines = Files.readAllLines(liveWal(c));
      return lines.isEmpty() ? "" : lines.get(lines.size() - 1);
    } catch (IOException | AssertionError e) {
      return "";
    }
  }

  private static int count(Cluster c, TaskState state) {
    try (Stream<Path> s = Files.list(c.layout.dir(state))) {
      return (int) s.filter(p -> !p.getFileName().toString().startsWith(".")).count();
    } catch (IOException e) {
      return -1;
    }
  }
}
