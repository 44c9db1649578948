package dev.spool.coordinator;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.spool.coordinator.decision.TaskReader;
import dev.spool.protocol.spool.Quarantine;
import dev.spool.protocol.spool.TaskName;
import dev.spool.protocol.spool.TaskState;
import dev.spool.protocol.task.Task;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@link TaskReader#once}: the deciders that look at one pending task in a pass share one read of
 * its file.
 */
@Timeout(30)
class TaskReaderOnceTest {
  @TempDir Path root;

  @Test
  void readsTheFileOnFirstUseOnlyAndRemembersWhatItRead() throws Exception {
    SpoolFixture f = new SpoolFixture(root);
    TaskReader reader = new TaskReader(f.layout, new Quarantine(f.layout, f.files, f.time));
    f.submit(Task.ofArgv("t1", SpoolFixture.T0, List.of("true")));
    TaskName name = f.find(TaskState.PENDING, "t1").orElseThrow();

    TaskReader.Once once = reader.once(name);
    Files.delete(f.layout.path(name)); // gone before the first look: the read happens on get()
    assertTrue(once.get().isEmpty(), "not read at creation");

    f.submit(Task.ofArgv("t2", SpoolFixture.T0, List.of("true")));
    TaskName second = f.find(TaskState.PENDING, "t2").orElseThrow();
    TaskReader.Once twice = reader.once(second);
    Optional<Task> first = twice.get();
    assertEquals("t2", first.orElseThrow().id());
    Files.delete(f.layout.path(second));
    assertSame(first, twice.get(), "the second get() does not read the file again");
    assertTrue(reader.once(second).get().isEmpty(), "a new Once reads again");
  }
}
