package dev.spool.coordinator;

import dev.spool.protocol.spool.SpoolLayout;
import dev.spool.protocol.spool.TaskName;
import dev.spool.protocol.spool.TaskState;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * The names in the non-terminal state directories at one moment, in name order (dispatch order in
 * pending/, due order in scheduled/). Terminal directories are never listed, so the cost of a pass
 * follows the number of live tasks. Names outside the grammar and dot-files (writes in progress)
 * are left out. Entries may vanish right after the listing: every user treats that as a race.
 */
final class PassListing {
  static final Set<TaskState> LISTED =
      Set.of(
          TaskState.PENDING,
          TaskState.SCHEDULED,
          TaskState.BLOCKED,
          TaskState.HELD,
          TaskState.CLAIMED,
          TaskState.FAILED);

  private final Map<TaskState, List<TaskName>> names;

  private PassListing(Map<TaskState, List<TaskName>> names) {
    this.names = names;
  }

  /** Lists the directories of {@code states} (a subset of {@link #LISTED}). */
  static PassListing scan(SpoolLayout layout, Set<TaskState> states) throws IOException {
    Map<TaskState, List<TaskName>> names = new EnumMap<>(TaskState.class);
    for (TaskState s : states) {
      List<String> files = list(layout.dir(s));
      List<TaskName> parsed = new ArrayList<>(files.size());
      for (String f : files) {
        layout.parse(s, f).ifPresent(parsed::add);
      }
      names.put(s, parsed);
    }
    return new PassListing(names);
  }

  static List<String> list(Path dir) throws IOException {
    try (Stream<Path> s = Files.list(dir)) {
      return s.map(p -> p.getFileName().toString())
          .filter(n -> !n.startsWith("."))
          .sorted()
          .collect(Collectors.toList());
    }
  }

  List<TaskName> in(TaskState state) {
    return names.getOrDefault(state, List.of());
  }

  /** Count and order-sensitive hash of the names listed in {@code state}. */
  long fingerprint(TaskState state) {
    List<TaskName> l = in(state);
    return ((long) l.size() << 32) ^ (l.hashCode() & 0xffffffffL);
  }

  Set<TaskName> all(TaskState... states) {
    Set<TaskName> out = new HashSet<>();
    for (TaskState s : states) {
      out.addAll(in(s));
    }
    return out;
  }
}
