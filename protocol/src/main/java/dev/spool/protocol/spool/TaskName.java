package dev.spool.protocol.spool;

import dev.spool.protocol.Require;
import java.util.Optional;

/**
 * The name of a task file, which carries what a scanner needs without opening the file. The grammar
 * (PROTOCOL.md, "File names") is, with {@code ~} as separator (never part of an id):
 *
 * <pre>
 * pending/    RRR~EEEEEEEEEEEEE~ID~A.json      RRR = 999 - priority, E = enqueue epoch millis
 * scheduled/  DDDDDDDDDDDDD~RRR~ID~A.json      D = due epoch millis
 * blocked/ held/ failed/   ID~A.json
 * claimed/    ID~A~WORKER~INCARNATION.json
 * done/ dead/ cancelled/   ID.json
 * </pre>
 *
 * So a listing in name order is the dispatch order in pending/ and the due order in scheduled/.
 */
public sealed interface TaskName
    permits TaskName.Pending,
        TaskName.Scheduled,
        TaskName.Parked,
        TaskName.Claimed,
        TaskName.Terminal {

  String id();

  TaskState state();

  String fileName();

  /** The attempt the name carries; terminal names carry none and answer 0. */
  int attempt();

  /** Ready to run; the next claim will be attempt {@code attempt}. */
  record Pending(int priority, long enqueuedMillis, String id, int attempt) implements TaskName {
    public Pending {
      Require.range(priority, 0, 999, "priority");
      Require.range(enqueuedMillis, 0L, 9_999_999_999_999L, "enqueued_millis");
      Require.id(id, "id");
      Require.range(attempt, 1, 1_000_000, "attempt");
    }

    @Override
    public TaskState state() {
      return TaskState.PENDING;
    }

    @Override
    public String fileName() {
      StringBuilder b = new StringBuilder(id.length() + 30);
      padded(b, 999 - priority, 3).append('~');
      padded(b, enqueuedMillis, 13).append('~').append(id).append('~').append(attempt);
      return b.append(".json").toString();
    }
  }

  /** Not to run before {@code dueMillis}. */
  record Scheduled(long dueMillis, int priority, String id, int attempt) implements TaskName {
    public Scheduled {
      Require.range(dueMillis, 0L, 9_999_999_999_999L, "due_millis");
      Require.range(priority, 0, 999, "priority");
      Require.id(id, "id");
      Require.range(attempt, 1, 1_000_000, "attempt");
    }

    @Override
    public TaskState state() {
      return TaskState.SCHEDULED;
    }

    @Override
    public String fileName() {
      StringBuilder b = new StringBuilder(id.length() + 30);
      padded(b, dueMillis, 13).append('~');
      padded(b, 999 - priority, 3).append('~').append(id).append('~').append(attempt);
      return b.append(".json").toString();
    }
  }

  /** Blocked on dependencies, held by an operator, or failed and awaiting a retry decision. */
  record Parked(TaskState state, String id, int attempt) implements TaskName {
    public Parked {
      if (state != TaskState.BLOCKED && state != TaskState.HELD && state != TaskState.FAILED) {
        throw new IllegalArgumentException("not a parked state: " + state);
      }
      Require.id(id, "id");
      Require.range(attempt, 1, 1_000_000, "attempt");
    }

    @Override
    public String fileName() {
      return id + "~" + attempt + ".json";
    }
  }

  /** Leased by {@code worker} (its {@code incarnation}) for attempt {@code attempt}. */
  record Claimed(String id, int attempt, String worker, long incarnation) implements TaskName {
    public Claimed {
      Require.id(id, "id");
      Require.range(attempt, 1, 1_000_000, "attempt");
      Require.id(worker, "worker");
      Require.range(incarnation, 0L, Long.MAX_VALUE, "incarnation");
    }

    @Override
    public TaskState state() {
      return TaskState.CLAIMED;
    }

    @Override
    public String fileName() {
      return id + "~" + attempt + "~" + worker + "~" + incarnation + ".json";
    }
  }

  /** done/, dead/ or cancelled/. */
  record Terminal(TaskState state, String id) implements TaskName {
    public Terminal {
      if (!state.isTerminal()) {
        throw new IllegalArgumentException("not a terminal state: " + state);
      }
      Require.id(id, "id");
    }

    @Override
    public String fileName() {
      return id + ".json";
    }

    @Override
    public int attempt() {
      return 0;
    }
  }

  /**
   * Parses a file name found in the directory of {@code state}. Empty when the name does not follow
   * the grammar (a dot-file, a hand-dropped {@code mytask.json}, debris).
   */
  static Optional<TaskName> parse(TaskState state, String fileName) {
    if (!fileName.endsWith(".json") || fileName.startsWith(".")) {
      return Optional.empty();
    }
    // Only the canonical spelling is in the grammar: "~01" parses to attempt 1, whose path ends in
    // "~1", so no rename could ever move that file and it would look claimable forever.
    return parseFields(state, fileName).filter(n -> n.fileName().equals(fileName));
  }

  private static Optional<TaskName> parseFields(TaskState state, String fileName) {
    String[] f = fileName.substring(0, fileName.length() - 5).split("~", -1);
    try {
      switch (state) {
        case PENDING:
          return f.length != 4 || f[0].length() != 3 || f[1].length() != 13
              ? Optional.empty()
              : Optional.of(new Pending(999 - digits(f[0]), digitsLong(f[1]), f[2], digits(f[3])));
        case SCHEDULED:
          return f.length != 4 || f[0].length() != 13 || f[1].length() != 3
              ? Optional.empty()
              : Optional.of(
                  new Scheduled(digitsLong(f[0]), 999 - digits(f[1]), f[2], digits(f[3])));
        case BLOCKED:
        case HELD:
        case FAILED:
          return f.length != 2
              ? Optional.empty()
              : Optional.of(new Parked(state, f[0], digits(f[1])));
        case CLAIMED:
          return f.length != 4
              ? Optional.empty()
              : Optional.of(new Claimed(f[0], digits(f[1]), f[2], digitsLong(f[3])));
        default:
          return f.length != 1 ? Optional.empty() : Optional.of(new Terminal(state, f[0]));
      }
    } catch (IllegalArgumentException e) {
      return Optional.empty();
    }
  }

  /**
   * Appends {@code value} as {@code String.format("%0" + width + "d")} would (names are built for
   * every claim and every listed entry, and a Formatter costs more than the rest of the name).
   */
  static StringBuilder padded(StringBuilder b, long value, int width) {
    if (value < 0) {
      return b.append(String.format("%0" + width + "d", value));
    }
    String digits = Long.toString(value);
    for (int i = digits.length(); i < width; i++) {
      b.append('0');
    }
    return b.append(digits);
  }

  private static int digits(String s) {
    return (int) Math.min(Integer.MAX_VALUE, digitsLong(s));
  }

  private static long digitsLong(String s) {
    // 19 digits: every incarnation a Claimed accepts (up to Long.MAX_VALUE) must parse back.
    if (s.isEmpty() || s.length() > 19) {
      throw new IllegalArgumentException("not a number");
    }
    long v = 0;
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c < '0' || c > '9') {
        throw new IllegalArgumentException("not a number");
      }
      try {
        v = Math.addExact(Math.multiplyExact(v, 10), c - '0');
      } catch (ArithmeticException e) {
        throw new IllegalArgumentException("not a number", e);
      }
    }
    return v;
  }
}
