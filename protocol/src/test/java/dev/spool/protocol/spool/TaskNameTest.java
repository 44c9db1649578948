package dev.spool.protocol.spool;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The file-name grammar: no file system needed. */
@Timeout(10)
class TaskNameTest {
  private static final long T = 1_763_719_200_000L;

  @Test
  void everyVariantRoundTrips() {
    List<TaskName> names =
        List.of(
            new TaskName.Pending(500, T, "t-1", 1),
            new TaskName.Pending(0, 0, "a", 1_000_000),
            new TaskName.Pending(999, 9_999_999_999_999L, "A.b_c-9", 2),
            new TaskName.Scheduled(T, 500, "t-1", 3),
            new TaskName.Scheduled(0, 999, "x", 1),
            new TaskName.Parked(TaskState.BLOCKED, "t-1", 1),
            new TaskName.Parked(TaskState.HELD, "t-1", 4),
            new TaskName.Parked(TaskState.FAILED, "t-1", 12),
            new TaskName.Claimed("t-1", 2, "worker-a.1", 0),
            new TaskName.Claimed("t-1", 2, "w", Long.MAX_VALUE),
            new TaskName.Terminal(TaskState.DONE, "t-1"),
            new TaskName.Terminal(TaskState.DEAD, "t-1"),
            new TaskName.Terminal(TaskState.CANCELLED, "t-1"));
    for (TaskName n : names) {
      assertEquals(Optional.of(n), TaskName.parse(n.state(), n.fileName()), n.fileName());
    }
  }

  @Test
  void theSpelledOutGrammar() {
    assertEquals("499~1763719200000~t-1~1.json", new TaskName.Pending(500, T, "t-1", 1).fileName());
    assertEquals(
        "1763719200000~000~t-1~3.json", new TaskName.Scheduled(T, 999, "t-1", 3).fileName());
    assertEquals("t-1~2~w1~5.json", new TaskName.Claimed("t-1", 2, "w1", 5).fileName());
    assertEquals("t-1~4.json", new TaskName.Parked(TaskState.HELD, "t-1", 4).fileName());
    assertEquals("t-1.json", new TaskName.Terminal(TaskState.DEAD, "t-1").fileName());
  }

  @Test
  void pendingNameOrderIsHigherPriorityFirstThenOlderFirst() {
    List<TaskName.Pending> names = new ArrayList<>();
    Random random = new Random(42);
    for (int i = 0; i < 500; i++) {
      int priority = random.nextInt(1000);
      // Priorities collide; enqueue times do not (the id decides only between equal times).
      long enqueued = (random.nextBoolean() ? 0 : T) + 7L * i;
      names.add(new TaskName.Pending(priority, enqueued, "t-" + i, 1 + random.nextInt(20)));
    }
    Comparator<TaskName.Pending> dispatch =
        Comparator.comparingInt((TaskName.Pending p) -> -p.priority())
            .thenComparingLong(TaskName.Pending::enqueuedMillis)
            .thenComparing(TaskName.Pending::id);

    assertEquals(sorted(names, dispatch), byFileName(names));
  }

  @Test
  void scheduledNameOrderIsDueOrderThenPriority() {
    List<TaskName.Scheduled> names = new ArrayList<>();
    Random random = new Random(7);
    for (int i = 0; i < 500; i++) {
      // Due times collide; priorities do not.
      long due = random.nextBoolean() ? random.nextInt(50) : T + random.nextInt(50);
      names.add(new TaskName.Scheduled(due, i, "t-" + i, 1));
    }
    Comparator<TaskName.Scheduled> due =
        Comparator.comparingLong(TaskName.Scheduled::dueMillis)
            .thenComparingInt(s -> -s.priority())
            .thenComparing(TaskName.Scheduled::id);

    assertEquals(sorted(names, due), byFileName(names));
  }

  @Test
  void malformedPendingNamesAreOutsideTheGrammar() {
    assertTrue(TaskName.parse(TaskState.PENDING, "499~1763719200000~t-1~1.json").isPresent());
    for (String bad :
        List.of(
            "49~1763719200000~t-1~1.json", // priority width
            "0499~1763719200000~t-1~1.json",
            "499~176371920000~t-1~1.json", // enqueue width
            "499~01763719200000~t-1~1.json",
            "4x9~1763719200000~t-1~1.json", // non-digits
            "499~17637192000x0~t-1~1.json",
            "499~1763719200000~t-1~x.json",
            "499~1763719200000~t-1~-1.json",
            "499~1763719200000~t-1~+1.json",
            "499~1763719200000~t-1~.json",
            "499~1763719200000~t-1~0.json", // attempt out of range
            "499~1763719200000~t-1~1000001.json",
            "499~1763719200000~t-1~99999999999999999999.json",
            "499~1763719200000~t~1~1.json", // extra ~
            "499~1763719200000~t-1~1~.json",
            "499~1763719200000~t-1.json", // missing field
            "499~1763719200000~~1.json", // empty id
            "499~1763719200000~.t~1.json", // id not in the id charset
            "499~1763719200000~t 1~1.json",
            "499~1763719200000~t-1~1", // missing .json
            "499~1763719200000~t-1~1.JSON",
            "499~1763719200000~t-1~1.json.tmp",
            ".499~1763719200000~t-1~1.json", // in-progress write
            ".json",
            "")) {
      assertEquals(Optional.empty(), TaskName.parse(TaskState.PENDING, bad), bad);
    }
  }

  @Test
  void malformedNamesOfOtherStatesAreOutsideTheGrammar() {
    assertRejected(
        TaskState.SCHEDULED, "176371920000~000~t-1~1.json", "1763719200000~00~t-1~1.json");
    assertRejected(TaskState.SCHEDULED, "499~1763719200000~t-1~1.json"); // a pending name
    assertRejected(TaskState.BLOCKED, "t-1.json", "t-1~1~2.json", "t-1~a.json", ".t-1~1.json");
    assertRejected(TaskState.FAILED, "t-1~0.json", "t-1~1.json.tmp");
    assertRejected(TaskState.CLAIMED, "t-1~1~w1.json", "t-1~1~w1~-1.json", "t-1~1~w~1~1.json");
    assertRejected(
        TaskState.CLAIMED,
        "t-1~1~w1~9223372036854775808.json",
        "t-1~1~w1~10000000000000000000.json");
    assertRejected(TaskState.DONE, "t-1~1.json", "mytask", ".t-1.json", "~.json");
  }

  @Test
  void numbersOnlyInTheirCanonicalSpelling() {
    // A file whose parsed name spells another path could never be moved by a rename: such names
    // are outside the grammar (fsck reports them) instead of looking claimable forever.
    assertRejected(TaskState.PENDING, "499~1763719200000~t-1~01.json");
    assertRejected(TaskState.SCHEDULED, "1763719200000~499~t-1~007.json");
    assertRejected(TaskState.HELD, "t-1~01.json");
    assertRejected(TaskState.CLAIMED, "t-1~01~w1~1.json", "t-1~1~w1~01.json");
  }

  @Test
  void parkedAndTerminalNamesRefuseTheWrongState() {
    for (TaskState s : TaskState.values()) {
      boolean parked = s == TaskState.BLOCKED || s == TaskState.HELD || s == TaskState.FAILED;
      assertEquals(parked, builds(() -> new TaskName.Parked(s, "t", 1)), s.toString());
      assertEquals(s.isTerminal(), builds(() -> new TaskName.Terminal(s, "t")), s.toString());
    }
  }

  private static boolean builds(Runnable r) {
    try {
      r.run();
      return true;
    } catch (IllegalArgumentException e) {
      return false;
    }
  }

  private static void assertRejected(TaskState state, String... names) {
    for (String n : names) {
      assertEquals(Optional.empty(), TaskName.parse(state, n), state + "/" + n);
    }
  }

  private static <T> List<T> sorted(List<T> names, Comparator<? super T> order) {
    return names.stream().sorted(order).collect(Collectors.toList());
  }

  private static <T extends TaskName> List<T> byFileName(List<T> names) {
    return sorted(names, Comparator.comparing(TaskName::fileName));
  }

  @Test
  void paddingWritesWhatTheFormatterWrites() {
    Random r = new Random(9);
    for (int i = 0; i < 100_000; i++) {
      long v =
          switch (r.nextInt(3)) {
            case 0 -> r.nextInt(2000) - 1000;
            case 1 -> Math.abs(r.nextLong());
            default -> (long) r.nextInt(Integer.MAX_VALUE);
          };
      int width = 1 + r.nextInt(14);
      assertEquals(
          String.format("%0" + width + "d", v),
          TaskName.padded(new StringBuilder(), v, width).toString(),
          v + " width " + width);
    }
  }
}
