package dev.spool.worker.lane;

import dev.spool.protocol.lanes.Classification;
import dev.spool.protocol.result.Outcome;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Classifies one attempt of a lane from its outcome, exit code and output. Order: the worker's own
 * outcomes first (cancelled, timed out, idle timeout, launch failure), then the lane's rules in
 * order, then the built-in rules (only for a non-zero exit, so an answer that merely mentions "429"
 * is not a rate limit), then exit 0 with nothing on stdout is {@code idle} (the CLI waited on a
 * question and got EOF, or produced nothing; output that the answer extraction does not recognise
 * still counts as success: the call was made and its full output is in the log), exit 0 is {@code
 * succeeded}, anything else {@code failed}. A non-success class on exit 0 turns the outcome into
 * {@code failed} (exit 0) so the task goes to failed/ and the coordinator applies the class.
 * Stateless and thread-safe.
 */
public final class Classifier {
  private static final Pattern RETRY_AFTER =
      Pattern.compile(
          "(?i)(?:retry[- _]?after|retry in|try again in|reset(?:s)? in)\\D{0,12}?(\\d+(?:\\.\\d+)?)\\s*(ms|milliseconds?|s|sec|seconds?|m|min|minutes?)?");

  static final List<Lane.Rule> BUILT_IN =
      List.of(
          rule(
              Classification.QUOTA_EXHAUSTED,
              "(?i)quota (?:exceeded|exhausted)|insufficient_quota|out of credits|usage limit"
                  + " reached|monthly limit"),
          rule(
              Classification.RATE_LIMITED,
              "(?i)\\b429\\b|rate[ _-]?limit|too many requests|resource_exhausted|overloaded"),
          rule(
              Classification.AUTH_FAILED,
              "(?i)\\b401\\b|\\b403\\b|unauthori[sz]ed|authentication (?:failed|required)|invalid"
                  + " api key|(?:token|credentials?|session) (?:has )?expired|please (?:log ?in|"
                  + "re-?authenticate|run .{0,20}login)"),
          rule(
              Classification.CONTEXT_TOO_LARGE,
              "(?i)context (?:length|window) (?:exceeded|is exceeded)|maximum context|prompt is too"
                  + " long|too many (?:input )?tokens|context_length_exceeded"),
          rule(
              Classification.IDLE,
              "(?i)\\[y/n\\]|\\(y/n\\)|press enter|waiting for input|end of file|EOFError"));

  /** The class, the retry-after the output gave (may be null), and the outcome to record. */
  public record Classified(String classification, Duration retryAfter, Outcome outcome) {}

  private Classifier() {}

  private static Lane.Rule rule(String c, String regex) {
    return new Lane.Rule(c, Set.of(), Pattern.compile(regex), Lane.Stream.ANY, null);
  }

  /** Classifies an attempt; {@code answer} is the extracted answer (null if none). */
  public static Classified classify(
      Lane lane, Outcome outcome, String stdout, String stderr, String answer) {
    switch (outcome.kind()) {
      case CANCELLED:
        return new Classified(Classification.CANCELLED, null, outcome);
      case TIMED_OUT:
        return new Classified(Classification.TIMED_OUT, null, outcome);
      case IDLE_TIMED_OUT:
        return new Classified(Classification.IDLE, null, outcome);
      case LAUNCH_FAILED:
        return new Classified(Classification.FAILED, null, outcome);
      case HANDED_BACK:
      case LOST:
        return new Classified(null, null, outcome);
      default:
        break;
    }
    Integer exit = outcome instanceof Outcome.Failed f ? f.exitCode() : Integer.valueOf(0);
    for (Lane.Rule r : lane.rules()) {
      if (matches(r, exit, stdout, stderr)) {
        return result(r, outcome, stdout, stderr);
      }
    }
    if (exit == null || exit != 0) {
      for (Lane.Rule r : BUILT_IN) {
        if (matches(r, exit, stdout, stderr)) {
          return result(r, outcome, stdout, stderr);
        }
      }
      return new Classified(Classification.FAILED, null, outcome);
    }
    if (stdout.isBlank() && (answer == null || answer.isBlank())) {
      return new Classified(Classification.IDLE, null, new Outcome.Failed(0, null));
    }
    return new Classified(Classification.SUCCEEDED, null, outcome);
  }

  private static boolean matches(Lane.Rule r, Integer exit, String out, String err) {
    if (!r.exitCodes().isEmpty() && (exit == null || !r.exitCodes().contains(exit))) {
      return false;
    }
    if (r.pattern() == null) {
      return true;
    }
    return switch (r.stream()) {
      case STDOUT -> r.pattern().matcher(out).find();
      case STDERR -> r.pattern().matcher(err).find();
      case ANY -> r.pattern().matcher(out).find() || r.pattern().matcher(err).find();
    };
  }

  private static Classified result(Lane.Rule r, Outcome outcome, String out, String err) {
    String c = r.classification();
    Outcome o = outcome;
    if (c.equals(Classification.SUCCEEDED)) {
      o = new Outcome.Succeeded();
    } else if (o.kind() == Outcome.Kind.SUCCEEDED) {
      o = new Outcome.Failed(0, null);
    }
    Duration after = null;
    if (Classification.coolsDown(c)) {
      Pattern p = r.retryAfter() != null ? r.retryAfter() : RETRY_AFTER;
      after = retryAfter(p, err);
      after = after != null ? after : retryAfter(p, out);
    }
    return new Classified(c, after, o);
  }

  /** The first retry-after {@code p} finds in {@code text} (group 1 seconds, group 2 unit). */
  static Duration retryAfter(Pattern p, String text) {
    Matcher m = p.matcher(text);
    if (!m.find()) {
      return null;
    }
    double n;
    try {
      n = Double.parseDouble(m.group(1));
    } catch (NumberFormatException | IndexOutOfBoundsException e) {
      return null;
    }
    String unit = m.groupCount() >= 2 && m.group(2) != null ? m.group(2).toLowerCase() : "s";
    double seconds =
        unit.startsWith("ms") || unit.startsWith("milli")
            ? n / 1000
            : unit.startsWith("m") ? n * 60 : n;
    long millis = Math.max(1, Math.min(Math.round(seconds * 1000), Duration.ofDays(31).toMillis()));
    return Duration.ofMillis(millis);
  }
}
