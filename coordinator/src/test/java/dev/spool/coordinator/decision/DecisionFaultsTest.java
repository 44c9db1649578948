package dev.spool.coordinator.decision;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.spool.protocol.fs.AtomicFiles;
import dev.spool.protocol.fs.FileOps;
import dev.spool.protocol.fs.ForwardingFileOps;
import dev.spool.protocol.json.SpoolJson;
import dev.spool.protocol.spool.SpoolLayout;
import dev.spool.protocol.spool.TaskName;
import dev.spool.protocol.spool.TaskState;
import dev.spool.protocol.task.Task;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** Decisions under injected file system faults (tape's BrokenRandomAccessFile idea). */
@Timeout(30)
class DecisionFaultsTest {
  private static final Instant T0 = Instant.parse("2026-11-21T10:00:00Z");
  private static final Clock CLOCK = Clock.fixed(T0, ZoneOffset.UTC);

  @TempDir Path root;
  private SpoolLayout layout;

  /** Real file operations whose k-th rename into a task directory misbehaves once. */
  private static final class FaultyOps extends ForwardingFileOps {
    enum Fault {
      LOST_REPLY,
      DISK_ERROR
    }

    private final Fault fault;
    private final AtomicInteger renamesLeft;

    FaultyOps(Fault fault, int failOnRename) {
      super(FileOps.real());
      this.fault = fault;
      this.renamesLeft = new AtomicInteger(failOnRename);
    }

    @Override
    public void rename(Path source, Path target) throws IOException {
      boolean fail =
          !source.getParent().getFileName().toString().equals("tmp")
              && renamesLeft.decrementAndGet() == 0;
      if (fail && fault == Fault.DISK_ERROR) {
        throw new IOException("injected: I/O error");
      }
      super.rename(source, target);
      if (fail) {
        throw new NoSuchFileException(source.toString(), null, "injected: lost NFS reply");
      }
    }
  }

  @BeforeEach
  void spool() throws Exception {
    layout = SpoolLayout.create(root, T0);
  }

  private Decision due(String id) throws Exception {
    TaskName sched = new TaskName.Scheduled(T0.toEpochMilli(), 500, id, 1);
    new AtomicFiles(FileOps.real(), layout.tmp(), true)
        .replace(
            layout.path(sched),
            SpoolJson.write(Task.builder(id).createdAt(T0).argv(List.of("x")).build()));
    return new Decision(
        Decision.DUE, sched, new TaskName.Pending(500, T0.toEpochMilli(), id, 1), null, null, null);
  }

  @Test
  void aRenameWhoseReplyWasLostCountsAsDone() throws Exception {
    AtomicFiles files =
        new AtomicFiles(new FaultyOps(FaultyOps.Fault.LOST_REPLY, 1), layout.tmp(), true);
    Decision d = due("t");
    try (DecisionLog log = DecisionLog.open(layout, files, 1, CLOCK)) {
      assertEquals(Optional.of(Applied.MOVED), log.decide(d));
      assertEquals(List.of(), log.openDecisions());
    }
    assertTrue(Files.exists(layout.path(d.to())));
  }

  @Test
  void aRenameThatFailsLeavesTheDecisionOpenUntilARetrySucceeds() throws Exception {
    AtomicFiles files =
        new AtomicFiles(new FaultyOps(FaultyOps.Fault.DISK_ERROR, 1), layout.tmp(), true);
    Decision d = due("t");
    try (DecisionLog log = DecisionLog.open(layout, files, 1, CLOCK)) {
      assertEquals(Optional.empty(), log.decide(d));
      assertEquals(1, log.openDecisions().size());
      assertTrue(Files.exists(layout.path(d.from())), "nothing moved");
      assertEquals(0, log.retryOpen());
    }
    assertTrue(Files.exists(layout.path(d.to())));
    assertFalse(Files.exists(layout.path(d.from())));
    assertEquals(1, Files.list(layout.dir(TaskState.PENDING)).count());
  }

  @Test
  void aDecisionLeftOpenByADiskErrorIsFinishedByTheNextCoordinator() throws Exception {
    AtomicFiles broken =
        new AtomicFiles(new FaultyOps(FaultyOps.Fault.DISK_ERROR, 1), layout.tmp(), true);
    Decision d = due("t");
    try (DecisionLog log = DecisionLog.open(layout, broken, 1, CLOCK)) {
      assertEquals(Optional.empty(), log.decide(d));
    }
    AtomicFiles healthy = new AtomicFiles(FileOps.real(), layout.tmp(), true);
    try (DecisionLog log = DecisionLog.open(layout, healthy, 2, CLOCK)) {
      assertEquals(1, log.recover());
      assertEquals(List.of(), log.openDecisions());
    }
    assertTrue(Files.exists(layout.path(d.to())));
  }
}
