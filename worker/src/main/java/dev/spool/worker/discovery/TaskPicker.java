package dev.spool.worker.discovery;

import dev.spool.protocol.InvalidInputException;
import dev.spool.protocol.spool.SpoolLayout;
import dev.spool.protocol.spool.TaskFiles;
import dev.spool.protocol.spool.TaskName;
import dev.spool.protocol.task.Task;
import java.io.IOException;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.SplittableRandom;
import java.util.random.RandomGenerator;

/**
 * Chooses the next pending task to claim from the {@link PendingIndex}, in name order (priority,
 * then age). A task file is read only when its name is reached and its verdict is not cached yet,
 * at most {@value #MAX_READS_PER_PICK} reads per pick so a burst of new names cannot stall the
 * claim loop. The prefers rule ({@link TaskMatcher}): a not-preferred task is taken only when no
 * preferred one of the same priority is within the next {@value #PREFER_LOOKAHEAD} names. Used by
 * the dispatcher thread only.
 *
 * <p>Spread: several workers on one spool would all race for the same first name, and all but one
 * lose the rename. So the picker takes one at random among the first {@value #SPREAD} eligible
 * names of the highest priority that has one (within {@value #PREFER_LOOKAHEAD} names of the
 * first). Priorities stay strict (a lower priority is never taken while a higher one has an
 * eligible task); within a priority the order is FIFO up to that window: a task is passed over only
 * by tasks at most {@value #SPREAD} places behind it.
 */
public final class TaskPicker {
  static final int MAX_READS_PER_PICK = 64;
  static final int PREFER_LOOKAHEAD = 32;
  static final int SPREAD = 4;

  private final PendingIndex index;
  private final TaskMatcher matcher;
  private final TaskFiles taskFiles;
  private final SpoolLayout layout;
  private final Readiness ready;
  private final RandomGenerator random;
  private final RecentReads recent = new RecentReads();

  /** Whether a routed task (a verdict with a lane need) can start now. */
  @FunctionalInterface
  public interface Readiness {
    boolean ready(Verdict v) throws IOException;
  }

  public TaskPicker(
      PendingIndex index, TaskMatcher matcher, TaskFiles taskFiles, SpoolLayout layout) {
    this(index, matcher, taskFiles, layout, v -> true);
  }

  /**
   * A picker that passes over routed tasks whose lanes are all busy, cooling down or out of quota
   * ({@code ready} false): they stay pending, and later tasks are considered.
   */
  public TaskPicker(
      PendingIndex index,
      TaskMatcher matcher,
      TaskFiles taskFiles,
      SpoolLayout layout,
      Readiness ready) {
    this(new Sources(index, matcher, taskFiles, layout), ready, new SplittableRandom());
  }

  /** What a picker reads: the index, the matcher and the task files. */
  record Sources(
      PendingIndex index, TaskMatcher matcher, TaskFiles taskFiles, SpoolLayout layout) {}

  /** A picker with its random source (tests pass a seeded one). */
  TaskPicker(Sources sources, Readiness ready, RandomGenerator random) {
    this(sources.index(), sources.matcher(), sources.taskFiles(), sources.layout(), ready, random);
  }

  private TaskPicker(
      PendingIndex index,
      TaskMatcher matcher,
      TaskFiles taskFiles,
      SpoolLayout layout,
      Readiness ready,
      RandomGenerator random) {
    this.random = random;
    this.ready = ready;
    this.index = index;
    this.matcher = matcher;
    this.taskFiles = taskFiles;
    this.layout = layout;
  }

  /**
   * The next name to claim: a runnable one of at least {@code minPriority}, honouring the prefers
   * rule, chosen at random among the first {@value #SPREAD} eligible ones of the top priority.
   */
  public Optional<String> pick(int minPriority) throws IOException {
    int reads = 0;
    String fallback = null;
    List<String> candidates = new ArrayList<>(SPREAD);
    int windowPriority = -1;
    int lookahead = 0;
    for (Iterator<Map.Entry<String, PendingIndex.Entry>> it = index.inOrder(); it.hasNext(); ) {
      Map.Entry<String, PendingIndex.Entry> e = it.next();
      String name = e.getKey();
      int priority = PendingIndex.parse(name).priority();
      if (priority < minPriority) {
        break; // names are in priority order: nothing further qualifies
      }
      boolean windowOpen = fallback != null || !candidates.isEmpty();
      if (windowOpen && (priority != windowPriority || ++lookahead > PREFER_LOOKAHEAD)) {
        break;
      }
      Verdict v = e.getValue().verdict();
      if (v == null) {
        if (reads++ >= MAX_READS_PER_PICK) {
          break;
        }
        v = examine(name);
        if (v == null) {
          continue;
        }
        e.getValue().verdict(v);
      }
      if (v.need() != null && !ready.ready(v)) {
        continue;
      }
      switch (v.kind()) {
        case QUARANTINE -> {
          if (candidates.isEmpty()) {
            return Optional.of(name); // claimed only to be quarantined: no reason to wait
          }
        }
        case ELIGIBLE -> {
          candidates.add(name);
          windowPriority = priority;
          if (candidates.size() == SPREAD) {
            return Optional.of(candidates.get(random.nextInt(SPREAD)));
          }
        }
        case ELIGIBLE_NOT_PREFERRED -> {
          if (fallback == null) {
            fallback = name;
            windowPriority = priority;
          }
        }
        default -> {}
      }
    }
    if (!candidates.isEmpty()) {
      return Optional.of(candidates.get(random.nextInt(candidates.size())));
    }
    return Optional.ofNullable(fallback);
  }

  /**
   * The task this picker decoded for its verdict under {@code name}, if the claimed file still
   * holds exactly {@code claimedBytes}; null otherwise (decode the bytes afresh). Saves the second
   * decode of every claimed task.
   */
  public Task decoded(String name, byte[] claimedBytes) {
    return recent.take(name, claimedBytes);
  }

  /** Reads a pending task for its verdict; null when the file is gone (claimed by another). */
  private Verdict examine(String name) throws IOException {
    TaskName.Pending p = PendingIndex.parse(name);
    try {
      Path file = layout.path(p);
      byte[] bytes = taskFiles.readBytes(file);
      Task t = taskFiles.parse(file, bytes, p.id());
      Verdict v = matcher.verdict(t, p.attempt());
      if (v.runnable()) {
        recent.put(name, bytes, t);
      }
      return v;
    } catch (NoSuchFileException e) {
      index.remove(name);
      return null;
    } catch (InvalidInputException e) {
      return Verdict.quarantine(e.getMessage());
    }
  }
}
