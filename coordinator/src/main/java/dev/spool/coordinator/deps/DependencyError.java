package dev.spool.coordinator.deps;

import java.util.Objects;

/** Why a batch of new tasks is refused: {@code task}'s dependency {@code dependency}. */
public record DependencyError(String task, String dependency, String problem) {
  public DependencyError {
    Objects.requireNonNull(task, "task");
    Objects.requireNonNull(dependency, "dependency");
    Objects.requireNonNull(problem, "problem");
  }

  public String message() {
    return "task " + task + ": dependency " + dependency + " " + problem;
  }
}
