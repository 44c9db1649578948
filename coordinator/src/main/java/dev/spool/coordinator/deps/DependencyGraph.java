package dev.spool.coordinator.deps;

import dev.spool.protocol.task.Dependency;
import dev.spool.protocol.task.Task;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
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
    return findCycle(byId);
  }

  /**
   * The first cycle, as an error naming the task that closes it. Iterative depth-first search, so a
   * chain of 100,000 dependencies in one batch cannot overflow the stack.
   */
  private static Optional<DependencyError> findCycle(Map<String, Task> byId) {
    Map<String, Integer> color = new HashMap<>(); // absent: new; 1: on the path; 2: cleared
    for (String start : byId.keySet()) {
      if (color.containsKey(start)) {
        continue;
      }
      List<String> path = new ArrayList<>();
      List<Iterator<Dependency>> stack = new ArrayList<>();
      path.add(start);
      stack.add(byId.get(start).dependsOn().iterator());
      color.put(start, 1);
      while (!stack.isEmpty()) {
        Iterator<Dependency> it = stack.get(stack.size() - 1);
        if (!it.hasNext()) {
          color.put(path.remove(path.size() - 1), 2);
          stack.remove(stack.size() - 1);
          continue;
        }
        String next = it.next().id();
        Task nt = byId.get(next);
        Integer c = color.get(next);
        if (nt == null || Integer.valueOf(2).equals(c)) {
          continue;
        }
        if (c != null) {
          List<String> cycle = new ArrayList<>(path.subList(path.indexOf(next), path.size()));
          cycle.add(next);
          String last = path.get(path.size() - 1);
          return Optional.of(
              new DependencyError(last, next, "closes a cycle: " + String.join(" -> ", cycle)));
        }
        color.put(next, 1);
        path.add(next);
        stack.add(nt.dependsOn().iterator());
      }
    }
    return Optional.empty();
  }
}
