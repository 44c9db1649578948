package dev.spool.worker.discovery;

import dev.spool.protocol.InvalidInputException;
import dev.spool.protocol.spool.SpoolLayout;
import dev.spool.protocol.spool.TaskFiles;
import dev.spool.protocol.spool.TaskName;
import dev.spool.protocol.task.Task;
import java.io.IOException;
import java.nio.file.NoSuchFileException;
import java.util.Iterator;
import java.util.Map;
import java.util.Optional;

/**
 * Chooses the next pending task to claim from the {@link PendingIndex}, in name order (priority,
 * then age). A task file is read only when its name is reached and its verdict is not cached yet,
 * at most {@value #MAX_READS_PER_PICK} reads per pick so a burst of new names cannot stall the
 * claim loop. The prefers rule ({@link TaskMatcher}): a not-preferred task is taken only when no
 * preferred one of the same priority is within the next {@value #PREFER_LOOKAHEAD} names. Used by
 * the dispatcher thread only.
 */
public final class TaskPicker {
  static final int MAX_READS_PER_PICK = 64;
  static final int PREFER_LOOKAHEAD = 32;

  private final PendingIndex index;
  private final TaskMatcher matcher;
  private final TaskFiles taskFiles;
  private final SpoolLayout layout;
  private final Readiness ready;

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
    this.ready = ready;
    this.index = index;
    this.matcher = matcher;
    this.taskFiles = taskFiles;
    this.layout = layout;
  }

  /**
   * The next name to claim: the first runnable one of at least {@code minPriority}, honouring the
   * prefers rule.
   */
  public Optional<String> pick(int minPriority) throws IOException {
    int reads = 0;
    String fallback = null;
    int fallbackPriority = -1;
    int lookahead = 0;
    for (Iterator<Map.Entry<String, PendingIndex.Entry>> it = index.inOrder(); it.hasNext(); ) {
      Map.Entry<String, PendingIndex.Entry> e = it.next();
      String name = e.getKey();
      int priority = PendingIndex.parse(name).priority();
      if (priority < minPriority) {
        break; // names are in priority order: nothing further qualifies
      }
      if (fallback != null && (priority != fallbackPriority || ++lookahead > PREFER_LOOKAHEAD)) {
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
        case ELIGIBLE, QUARANTINE -> {
          return Optional.of(name);
        }
        case ELIGIBLE_NOT_PREFERRED -> {
          if (fallback == null) {
            fallback = name;
            fallbackPriority = priority;
          }
        }
        default -> {}
      }
    }
    return Optional.ofNullable(fallback);
  }

  /** Reads a pending task for its verdict; null when the file is gone (claimed by another). */
  private Verdict examine(String name) throws IOException {
    TaskName.Pending p = PendingIndex.parse(name);
    try {
      Task t = taskFiles.read(layout.path(p), p.id());
      return matcher.verdict(t, p.attempt());
    } catch (NoSuchFileException e) {
      index.remove(name);
      return null;
    } catch (InvalidInputException e) {
      return Verdict.quarantine(e.getMessage());
    }
  }
}
