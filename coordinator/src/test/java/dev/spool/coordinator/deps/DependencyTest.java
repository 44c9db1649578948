package dev.spool.coordinator.deps;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.spool.protocol.fs.AtomicFiles;
import dev.spool.protocol.fs.FileOps;
import dev.spool.protocol.json.SpoolJson;
import dev.spool.protocol.spool.SpoolLayout;
import dev.spool.protocol.spool.TaskMoves;
import dev.spool.protocol.spool.TaskName;
import dev.spool.protocol.spool.TaskState;
import dev.spool.protocol.task.Condition;
import dev.spool.protocol.task.Dependency;
import dev.spool.protocol.task.Task;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Predicate;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

@Timeout(10)
class DependencyTest {
  private static final Instant T = Instant.parse("2026-11-21T10:00:00Z");

  private static DependencyStatus eval(Map<String, TaskState> terminal, Dependency... deps) {
    return DependencyCheck.evaluate(List.of(deps), id -> Optional.ofNullable(terminal.get(id)));
  }

  private static Dependency dep(String id, Condition c) {
    return new Dependency(id, c);
  }

  @Test
  void conditionsAreMetByTheRightTerminalStates() {
    for (TaskState s : List.of(TaskState.DONE, TaskState.DEAD, TaskState.CANCELLED)) {
      Map<String, TaskState> m = Map.of("a", s);
      assertEquals(
          s == TaskState.DONE,
          eval(m, dep("a", Condition.SUCCESS)) instanceof DependencyStatus.Met);
      assertEquals(
          s != TaskState.DONE,
          eval(m, dep("a", Condition.FAILURE)) instanceof DependencyStatus.Met);
      assertTrue(eval(m, dep("a", Condition.ANY)) instanceof DependencyStatus.Met);
    }
  }

  @Test
  void aNonTerminalDependencyWaitsAndAnUnmeetableOneNamesItself() {
    assertTrue(eval(Map.of(), dep("a", Condition.ANY)) instanceof DependencyStatus.Waiting);
    DependencyStatus s =
        eval(Map.of("b", TaskState.DEAD), dep("a", Condition.SUCCESS), dep("b", Condition.SUCCESS));
    DependencyStatus.Unmeetable u = (DependencyStatus.Unmeetable) s;
    assertEquals("b", u.dependency().id());
    assertTrue(u.message().contains("dependency b ended in dead/"), u.message());
  }

  private static Task task(String id, String... deps) {
    var b = Task.builder(id).createdAt(T).argv(List.of("x"));
    for (String d : deps) {
      b.dependsOn(Dependency.parse(d));
    }
    return b.build();
  }

  @Test
  void aValidBatchPasses() {
    List<Task> batch = List.of(task("a"), task("b", "a"), task("c", "a", "b:any", "old"));
    assertEquals(Optional.empty(), DependencyGraph.validate(batch, Set.of("old")::contains));
  }

  @Test
  void anUnknownDependencyIsNamed() {
    DependencyError e =
        DependencyGraph.validate(List.of(task("a"), task("b", "a", "ghost")), id -> false)
            .orElseThrow();
    assertEquals("b", e.task());
    assertEquals("ghost", e.dependency());
    assertTrue(e.message().contains("unknown"), e.message());
  }

  @Test
  void aCycleIsNamedWithItsPath() {
    List<Task> batch = List.of(task("a", "c"), task("b", "a"), task("c", "b"), task("d", "a"));
    DependencyError e = DependencyGraph.validate(batch, id -> false).orElseThrow();
    assertTrue(e.problem().contains("cycle"), e.message());
    assertTrue(
        e.problem().contains("a -> c -> b -> a")
            || e.problem().contains("c -> b -> a -> c")
            || e.problem().contains("b -> a -> c -> b"),
        e.message());
  }

  @Test
  void aDuplicateIdInTheBatchIsRefused() {
    assertTrue(DependencyGraph.validate(List.of(task("a"), task("a")), id -> false).isPresent());
  }

  @Test
  void theSpoolLookupFindsLiveAndTerminalTasks(@TempDir Path root) throws Exception {
    SpoolLayout layout = SpoolLayout.create(root, T);
    AtomicFiles files = new AtomicFiles(FileOps.real(), layout.tmp(), true);
    TaskMoves moves = new TaskMoves(layout, files);
    moves.publish(new TaskName.Parked(TaskState.BLOCKED, "waiting", 1), task("waiting", "gone"));
    files.replace(layout.terminal(TaskState.DONE, "gone"), SpoolJson.write(task("gone")));
    Predicate<String> exists = SpoolTaskIds.existsIn(layout);
    assertTrue(exists.test("waiting"));
    assertTrue(exists.test("gone"));
    assertFalse(exists.test("never"));
    assertEquals(
        Optional.empty(),
        DependencyGraph.validate(List.of(task("new", "waiting", "gone")), exists));
  }

  @Test
  void listingTheTerminalDirectoriesForABatchGivesTheSameAnswersAsProbing(@TempDir Path root)
      throws Exception {
    SpoolLayout layout = SpoolLayout.create(root, T);
    AtomicFiles files = new AtomicFiles(FileOps.real(), layout.tmp(), true);
    new TaskMoves(layout, files)
        .publish(new TaskName.Pending(500, T.toEpochMilli(), "live", 1), task("live"));
    files.replace(layout.terminal(TaskState.DONE, "ok"), SpoolJson.write(task("ok")));
    files.replace(layout.terminal(TaskState.DEAD, "died"), SpoolJson.write(task("died")));
    files.replace(layout.terminal(TaskState.CANCELLED, "off"), SpoolJson.write(task("off")));
    // 0 lookups: terminal directories are probed; a million: they are small enough to list.
    for (int lookups : new int[] {0, 1, 1_000_000}) {
      Predicate<String> exists = SpoolTaskIds.existsIn(layout, lookups);
      for (String id : List.of("live", "ok", "died", "off")) {
        assertTrue(exists.test(id), id + " with " + lookups + " lookups");
      }
      assertFalse(exists.test("never"), "with " + lookups + " lookups");
    }
  }
}
