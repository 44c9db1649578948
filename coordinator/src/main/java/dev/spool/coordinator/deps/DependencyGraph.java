package dev.spool.coordinator.deps;

import dev.spool.protocol.task.Dependency;
import dev.spool.protocol.task.Task;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Predicate;

/**
 * Validates the dependencies of a batch of new tasks before submit: every dependency is in the
 * batch or already in the spool, and the batch has no cycle. Tasks already in the spool were
 * validated when they were submitted and cannot depend on the new ones, so a cycle can only run
 * through the batch. Pure; thread-safe.
 */
public final class DependencyGraph {
  private DependencyGraph() {}

  /**
   * @param existsInSpool whether a task id is already in the spool (any state)
   * @return the first problem found, naming the task and the dependency; empty if the batch is
   *     acceptable
   */
  public static Optional<DependencyError> validate(
      List<Task> batch, Predicate<String> existsInSpool) {
    Map<String, Task> byId = new HashMap<>();
    for (Task t : batch) {
      if (byId.put(t.id(), t) != null) {
        return Optional.of(new DependencyError(t.id(), t.id(), "is submitted twice in the batch"));
      }
    }
    for (Task t : batch) {
      for (Dependency d : t.dependsOn()) {
        if (!byId.containsKey(d.id()) && !existsInSpool.test(d.id())) {
          return Optional.of(
              new DependencyError(t.id(), d.id(), "is unknown (not in the batch or the spool)"));
        }
      }
    }
    Set<String> done = new HashSet<>();
    for (Task t : batch) {
      Optional<DependencyError> cycle = findCycle(t.id(), byId, done, new ArrayList<>());
      if (cycle.isPresent()) {
        return cycle;
      }
    }
    return Optional.empty();
  }

  /** Depth-first search; {@code path} is the current chain, {@code done} the cleared nodes. */
  private static Optional<DependencyError> findCycle(
      String id, Map<String, Task> byId, Set<String> done, List<String> path) {
    if (done.contains(id) || !byId.containsKey(id)) {
      return Optional.empty();
    }
    int at = path.indexOf(id);
    if (at >= 0) {
      List<String> cycle = new ArrayList<>(path.subList(at, path.size()));
      cycle.add(id);
      String last = path.get(path.size() - 1);
      return Optional.of(
          new DependencyError(last, id, "closes a cycle: " + String.join(" -> ", cycle)));
    }
    path.add(id);
    for (Dependency d : byId.get(id).dependsOn()) {
      Optional<DependencyError> e = findCycle(d.id(), byId, done, path);
      if (e.isPresent()) {
        return e;
      }
    }
    path.remove(path.size() - 1);
    done.add(id);
    return Optional.empty();
  }
}
