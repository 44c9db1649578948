package dev.spool.bench;

import java.util.List;

/**
 * Workload sizes. {@link #FULL} is what BENCHMARKS.md reports (the sizes the workloads are defined
 * with); {@link #SMOKE} runs in the build so the harness cannot rot, and proves nothing about
 * speed.
 *
 * @param noop W1 and W6: number of {@code true} tasks
 * @param warmup W1, W2 and W6: {@code true} tasks run through the daemons before the timed part
 *     (after W1's cold pass), so the worker's JIT has settled as in a worker that has been up a
 *     while
 * @param latencyReps W2: round trips with the watcher on
 * @param pollReps W2: round trips in polling mode
 * @param sleepTasks W3: number of {@code sleep} tasks
 * @param sleepSeconds W3: how long each sleeps
 * @param batch W4: tasks in the batch file
 * @param singleSubmits W4: timed single submits from a shell
 * @param scale W5: pending/terminal counts to grow through
 * @param scaleClaims W5: tasks the worker runs at each size to measure its claim rate
 * @param statusReps W5: timed {@code spool status} calls per size
 * @param idleSeconds W5: how long the coordinator's idle CPU is sampled
 */
record Sizes(
    String name,
    int noop,
    int warmup,
    int latencyReps,
    int pollReps,
    int sleepTasks,
    double sleepSeconds,
    int batch,
    int singleSubmits,
    List<Integer> scale,
    int scaleClaims,
    int statusReps,
    int idleSeconds) {

  static final Sizes FULL =
      new Sizes(
          "full",
          2000,
          8000,
          200,
          100,
          40,
          0.5,
          100_000,
          30,
          List.of(1_000, 10_000, 100_000, 1_000_000),
          1000,
          3,
          30);

  static final Sizes SMOKE =
      new Sizes("smoke", 60, 0, 5, 3, 8, 0.2, 500, 2, List.of(100, 1000), 50, 1, 2);

  /** These sizes with other W5 counts (ascending; the first is W5's baseline). */
  Sizes withScale(List<Integer> counts) {
    if (counts.isEmpty() || counts.stream().anyMatch(n -> n < 1)) {
      throw new IllegalArgumentException("--scale needs positive counts: " + counts);
    }
    List<Integer> sorted = counts.stream().sorted().distinct().toList();
    return new Sizes(
        name,
        noop,
        warmup,
        latencyReps,
        pollReps,
        sleepTasks,
        sleepSeconds,
        batch,
        singleSubmits,
        sorted,
        scaleClaims,
        statusReps,
        idleSeconds);
  }

  static Sizes named(String name) {
    return switch (name) {
      case "full" -> FULL;
      case "smoke" -> SMOKE;
      default -> throw new IllegalArgumentException("unknown size " + name + " (full, smoke)");
    };
  }
}
