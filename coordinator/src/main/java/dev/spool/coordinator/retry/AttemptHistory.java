package dev.spool.coordinator.retry;

import dev.spool.protocol.InvalidInputException;
import dev.spool.protocol.fs.SafeFiles;
import dev.spool.protocol.json.SpoolJson;
import dev.spool.protocol.lanes.Classification;
import dev.spool.protocol.result.AttemptResult;
import dev.spool.protocol.result.EndNote;
import dev.spool.protocol.result.Outcome;
import dev.spool.protocol.spool.SpoolLayout;
import java.io.IOException;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The results of attempts 1..n of a task, read from {@code results/}. Counts of failures and lost
 * attempts are derived from this history every time (never kept in a counter that could drift), so
 * a restarted coordinator decides exactly as the crashed one would have.
 *
 * @param results the readable results, in attempt order
 * @param missing attempts in 1..n with no readable result (each attempt should end with exactly one
 *     record; a gap is logged and does not count)
 */
public record AttemptHistory(String taskId, List<AttemptResult> results, List<Integer> missing) {
  private static final Logger log = LoggerFactory.getLogger(AttemptHistory.class);

  public AttemptHistory {
    results = List.copyOf(results);
    missing = List.copyOf(missing);
  }

  /**
   * Reads {@code results/<id>~<first>.json} .. {@code results/<id>~<upTo>.json}. {@code first} is
   * 1, unless the task was brought back from dead/ or cancelled/ by an operator ({@code spool
   * retry}): then its end note is still there and records how many attempts the earlier life used,
   * and counting starts after them, so the retried task gets fresh attempts while attempt numbers
   * keep growing.
   */
  public static AttemptHistory load(SpoolLayout layout, String id, int upTo) throws IOException {
    List<AttemptResult> results = new ArrayList<>();
    List<Integer> missing = new ArrayList<>();
    for (int a = firstOfThisLife(layout, id); a <= upTo; a++) {
      Optional<AttemptResult> r = read(layout, layout.result(id, a));
      if (r.isPresent()) {
        results.add(r.get());
      } else {
        missing.add(a);
      }
    }
    if (!missing.isEmpty()) {
      log.warn(
          "attempt_history_gap task={} missing_attempts={} consequence=they are not counted",
          id,
          missing);
    }
    return new AttemptHistory(id, results, missing);
  }

  private static int firstOfThisLife(SpoolLayout layout, String id) throws IOException {
    Path p = layout.endNote(id);
    try {
      byte[] bytes = SafeFiles.readBounded(p, SpoolJson.MAX_DOCUMENT_BYTES);
      EndNote note = SpoolJson.read(layout.relative(p), bytes, EndNote.class);
      return note.attempts() == null ? 1 : note.attempts() + 1;
    } catch (NoSuchFileException e) {
      return 1;
    } catch (InvalidInputException e) {
      log.warn("end_note_invalid file={} reason={}", layout.relative(p), e.getMessage());
      return 1;
    }
  }

  private static Optional<AttemptResult> read(SpoolLayout layout, Path p) throws IOException {
    try {
      byte[] bytes = SafeFiles.readBounded(p, SpoolJson.MAX_DOCUMENT_BYTES);
      return Optional.of(SpoolJson.read(layout.relative(p), bytes, AttemptResult.class));
    } catch (NoSuchFileException e) {
      return Optional.empty();
    } catch (InvalidInputException e) {
      log.warn("attempt_result_invalid file={} reason={}", layout.relative(p), e.getMessage());
      return Optional.empty();
    }
  }

  /**
   * Attempts that count against {@code max_retries}: failures, except those whose class says the
   * lane or account could not serve the task ({@link Classification#routesAround}).
   */
  public int failures() {
    return (int)
        results.stream()
            .filter(r -> r.countsAsFailure() && !Classification.routesAround(r.classification()))
            .count();
  }

  /** Attempts lost with their worker; bounded by {@code max_lost}. */
  public int lost() {
    return (int) results.stream().filter(r -> r.outcome().kind() == Outcome.Kind.LOST).count();
  }

  /** The result of the highest attempt, if readable. */
  public Optional<AttemptResult> last() {
    return results.isEmpty() ? Optional.empty() : Optional.of(results.get(results.size() - 1));
  }
}
