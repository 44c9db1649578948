package dev.spool.coordinator.deps;

import dev.spool.protocol.spool.SpoolLayout;
import dev.spool.protocol.spool.TaskState;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.Set;
import java.util.function.Predicate;
import java.util.stream.Stream;

/**
 * Whether a task id is in the spool, for {@link DependencyGraph#validate}: the non-terminal
 * directories are listed once (names carry the id), terminal ones are only probed by stat of {@code
 * done/ID.json} etc., so the cost does not grow with finished tasks.
 */
public final class SpoolTaskIds {
  private SpoolTaskIds() {}

  public static Predicate<String> existsIn(SpoolLayout layout) throws IOException {
    Set<String> live = new HashSet<>();
    for (TaskState s : TaskState.values()) {
      if (s.isTerminal()) {
        continue;
      }
      try (Stream<Path> entries = Files.list(layout.dir(s))) {
        entries.forEach(
            p -> layout.parse(s, p.getFileName().toString()).ifPresent(n -> live.add(n.id())));
      }
    }
    return id -> live.contains(id) || DependencyCheck.terminalByStat(layout, id).isPresent();
  }
}
