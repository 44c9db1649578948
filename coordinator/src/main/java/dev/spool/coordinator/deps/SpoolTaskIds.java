package dev.spool.coordinator.deps;

import dev.spool.protocol.spool.SpoolLayout;
import dev.spool.protocol.spool.TaskState;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.function.Predicate;
import java.util.stream.Stream;

/**
 * Whether a task id is in the spool, for {@link DependencyGraph#validate}: the non-terminal
 * directories are listed once (names carry the id). A terminal directory is listed too when that is
 * cheaper than probing it once per expected lookup; otherwise each lookup probes it by a stat of
 * {@code done/ID.json} etc., so the cost of a small submit does not grow with finished tasks.
 * Either way the answer is the same: an entry named for the id exists.
 */
public final class SpoolTaskIds {
  /**
   * Fewest bytes a directory entry takes in a directory's reported size (ext4: 8 bytes of header
   * and a name padded to 4), so {@code size / this} bounds the entries a listing reads.
   */
  static final long MIN_ENTRY_BYTES = 12;

  private SpoolTaskIds() {}

  /** For a few lookups: terminal directories are probed, never listed. */
  public static Predicate<String> existsIn(SpoolLayout layout) throws IOException {
    return existsIn(layout, 0);
  }

  /**
   * For about {@code lookups} lookups (a batch's size): each terminal directory whose listing would
   * read fewer entries than {@code lookups} stats (judged by the directory's size, an upper bound
   * on ext4 and XFS) is listed once; the others are probed per lookup.
   */
  public static Predicate<String> existsIn(SpoolLayout layout, int lookups) throws IOException {
    Set<String> known = new HashSet<>();
    List<TaskState> probed = new ArrayList<>();
    for (TaskState s : TaskState.values()) {
      if (!s.isTerminal() || cheaperToList(layout.dir(s), lookups)) {
        list(layout, s, known);
      } else {
        probed.add(s);
      }
    }
    return id -> known.contains(id) || anyExists(layout, probed, id);
  }

  private static boolean cheaperToList(Path dir, int lookups) throws IOException {
    if (lookups <= 0) {
      return false;
    }
    try {
      return Files.size(dir) / MIN_ENTRY_BYTES < lookups;
    } catch (NoSuchFileException e) {
      return true;
    }
  }

  private static void list(SpoolLayout layout, TaskState s, Set<String> into) throws IOException {
    try (Stream<Path> entries = Files.list(layout.dir(s))) {
      entries.forEach(
          p -> layout.parse(s, p.getFileName().toString()).ifPresent(n -> into.add(n.id())));
    }
  }

  private static boolean anyExists(SpoolLayout layout, List<TaskState> states, String id) {
    for (TaskState s : states) {
      if (Files.exists(layout.terminal(s, id), LinkOption.NOFOLLOW_LINKS)) {
        return true;
      }
    }
    return false;
  }
}
