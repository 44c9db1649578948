package dev.spool.worker.lane;

import com.fasterxml.jackson.databind.JsonNode;
import dev.spool.protocol.lanes.Classification;
import dev.spool.protocol.lanes.LaneMark;
import dev.spool.protocol.lanes.LaneStates;
import dev.spool.protocol.lanes.Routing;
import dev.spool.protocol.result.Outcome;
import dev.spool.protocol.result.Usage;
import dev.spool.worker.exec.RunResult;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The lane part of an attempt after its process ended: reads the captured output, extracts the
 * answer (written to {@code logs/ID~A.answer}), usage and session id, classifies the attempt, and
 * marks the account fleet-wide at once (a cooldown for {@code rate_limited} and {@code
 * quota_exhausted}, disabled for {@code auth_failed}) so other tasks skip it before the coordinator
 * even sees the result; the coordinator writes the same marks again from the result (idempotent).
 * Thread-safe.
 */
public final class LaneAttempts {
  private static final Logger log = LoggerFactory.getLogger(LaneAttempts.class);
  static final int MAX_READ = 4 * 1024 * 1024;

  private final LaneRouter router;
  private final LaneStates states;
  private final Supplier<Routing> routing;

  public LaneAttempts(LaneRouter router, LaneStates states, Supplier<Routing> routing) {
    this.router = router;
    this.states = states;
    this.routing = routing;
  }

  /**
   * What the lane made of an attempt; {@code message} says why a succeeded process was classed
   * {@code failed} (its answer does not match the task's schema), else null.
   */
  public record Finished(
      String classification,
      Duration retryAfter,
      Outcome outcome,
      Usage usage,
      String sessionId,
      String message) {}

  /** Where the attempt's output is and where its answer goes. */
  public record Files3(Path stdout, Path stderr, Path answer) {}

  /**
   * Post-processes an ended attempt. A failure to write the account's mark is logged, not thrown:
   * the coordinator writes it again from the result.
   *
   * @param by who marks the account ({@code worker W}), for {@code spool lanes}
   * @param schema the task's answer schema ({@code input.schema}), or null
   */
  public Finished finish(LaneChoice choice, RunResult run, Files3 files, String by, JsonNode schema)
      throws IOException {
    Outcome outcome = run.outcome();
    Instant finishedAt = run.finishedAt();
    Duration duration = run.duration();
    {
      Lane lane = choice.lane();
      String out = read(files.stdout());
      String err = read(files.stderr());
      String answer = Extractor.answer(lane, out);
      if (answer != null && !answer.isEmpty()) {
        Files.writeString(files.answer(), answer, StandardCharsets.UTF_8);
      }
      Classifier.Classified c = Classifier.classify(lane, outcome, out, err, answer);
      String message = null;
      if (schema != null && Classification.SUCCEEDED.equals(c.classification())) {
        List<String> problems = AnswerSchema.problems(schema, answer);
        if (!problems.isEmpty()) {
          message = "the answer does not match input.schema: " + String.join("; ", problems);
          c = new Classifier.Classified(Classification.FAILED, null, new Outcome.Failed(0, null));
          log.warn(
              "lane_answer_invalid lane={} problems=\"{}\" consequence=attempt failed; the retry"
                  + " policy decides",
              lane.name(),
              String.join("; ", problems));
        }
      }
      router.recordClass(lane, c.classification(), duration);
      Duration after = c.retryAfter();
      if (Classification.coolsDown(c.classification())) {
        after =
            after != null
                ? after
                : lane.cooldown() != null ? lane.cooldown() : routing.get().cooldown();
        mark(choice, c.classification(), finishedAt.plus(after), finishedAt, err, by);
      } else if (Classification.AUTH_FAILED.equals(c.classification())) {
        mark(choice, c.classification(), null, finishedAt, err, by);
      }
      return new Finished(
          c.classification(),
          after,
          c.outcome(),
          Extractor.usage(lane, out, err),
          Extractor.sessionId(lane, out, err),
          message);
    }
  }

  /** Gives back the lane's concurrency unit; called once per choice when the attempt is over. */
  public void release(LaneChoice choice) {
    router.release(choice);
  }

  private void mark(LaneChoice choice, String c, Instant until, Instant at, String err, String by) {
    String lane = choice.lane().name();
    String account = choice.account().name();
    LaneMark m = new LaneMark(lane, account, until, c, tail(err), at, by);
    try {
      if (until != null) {
        states.coolDown(m);
      } else {
        states.disable(m);
      }
    } catch (IOException e) {
      log.error(
          "lane_mark_not_written lane={} account={} class={} consequence=other tasks may use the"
              + " account until the coordinator marks it from the result",
          lane,
          account,
          c,
          e);
    }
    router.invalidate(lane, account);
    log.warn(
        "lane_account_marked lane={} account={} class={} until={} consequence=other tasks use"
            + " other accounts or lanes{}",
        lane,
        account,
        c,
        until,
        until == null ? "; clear with spool lanes --clear " + lane + "/" + account : "");
  }

  private static String tail(String err) {
    String t = err.strip();
    return t.length() <= 400 ? t : t.substring(t.length() - 400);
  }

  private static String read(Path p) throws IOException {
    if (!Files.exists(p)) {
      return "";
    }
    try (RandomAccessFile f = new RandomAccessFile(p.toFile(), "r")) {
      int n = (int) Math.min(f.length(), MAX_READ);
      byte[] b = new byte[n];
      f.readFully(b);
      return new String(b, StandardCharsets.UTF_8);
    }
  }
}
