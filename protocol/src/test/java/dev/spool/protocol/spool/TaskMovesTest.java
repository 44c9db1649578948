package dev.spool.protocol.spool;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.spool.protocol.fs.AtomicFiles;
import dev.spool.protocol.fs.FileOps;
import dev.spool.protocol.task.Task;
import dev.spool.protocol.testing.FaultyFileOps;
import dev.spool.protocol.testing.FaultyFileOps.Op;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** Claims and fenced finishes on a real file system, including the NFS lost reply of rename. */
@Timeout(20)
class TaskMovesTest {
  private static final Instant NOW = Instant.parse("2026-11-21T10:00:00Z");
  private static final TaskName.Pending T1 =
      new TaskName.Pending(500, NOW.toEpochMilli(), "t-1", 1);

  @TempDir Path root;
  private SpoolLayout layout;

  @BeforeEach
  void spool() throws Exception {
    layout = SpoolLayout.create(root, NOW);
    moves(FileOps.real()).publish(T1, Task.ofArgv("t-1", NOW, List.of("true")));
  }

  @Test
  void aClaimMovesThePendingFileIntoClaimed() throws Exception {
    Optional<TaskName.Claimed> claim = moves(FileOps.real()).tryClaim(T1, "w1", 7);

    assertEquals(Optional.of(new TaskName.Claimed("t-1", 1, "w1", 7)), claim);
    assertEquals(List.of("t-1~1~w1~7.json"), list(TaskState.CLAIMED));
    assertEquals(List.of(), list(TaskState.PENDING));
  }

  @Test
  void aMoveFsyncsTheTargetDirectoryThenTheSourceDirectory() throws Exception {
    List<Path> synced = new java.util.ArrayList<>();
    FileOps recording =
        new dev.spool.protocol.fs.ForwardingFileOps(FileOps.real()) {
          @Override
          public void fsyncDirectory(Path dir) throws IOException {
            synced.add(dir);
            super.fsyncDirectory(dir);
          }
        };

    assertTrue(moves(recording).tryClaim(T1, "w1", 7).isPresent());

    assertEquals(
        List.of(layout.dir(TaskState.CLAIMED), layout.dir(TaskState.PENDING)),
        synced,
        "the new name and the removal of the old one are both durable");
  }

  @Test
  void anUnsyncedClaimSyncsNothingUntilSyncClaim() throws Exception {
    List<Path> synced = new java.util.ArrayList<>();
    FileOps recording =
        new dev.spool.protocol.fs.ForwardingFileOps(FileOps.real()) {
          @Override
          public void fsyncDirectory(Path dir) throws IOException {
            synced.add(dir);
            super.fsyncDirectory(dir);
          }
        };
    TaskMoves m = moves(recording);

    assertEquals(
        Optional.of(new TaskName.Claimed("t-1", 1, "w1", 7)), m.tryClaimUnsynced(T1, "w1", 7));
    assertEquals(List.of(), synced);
    assertEquals(Optional.empty(), m.tryClaimUnsynced(T1, "w2", 1), "the second claimer lost");

    m.syncClaim();
    assertEquals(List.of(layout.dir(TaskState.CLAIMED), layout.dir(TaskState.PENDING)), synced);
  }

  @Test
  void aClaimWhoseRenameReplyWasLostIsStillWon() throws Exception {
    FaultyFileOps ops =
        FaultyFileOps.over(FileOps.real())
            .lostReply(Op.RENAME, FaultyFileOps.inDir(layout.dir(TaskState.CLAIMED)))
            .build();

    Optional<TaskName.Claimed> claim = moves(ops).tryClaim(T1, "w1", 7);

    assertEquals(1, ops.fired(), "the rename moved the file and then threw NoSuchFileException");
    assertEquals(Optional.of(new TaskName.Claimed("t-1", 1, "w1", 7)), claim);
    assertEquals(List.of("t-1~1~w1~7.json"), list(TaskState.CLAIMED));
    assertEquals(List.of(), list(TaskState.PENDING), "nothing stranded in pending/");
  }

  @Test
  void aLostRaceIsEmptyAndLeavesTheWinnersClaimAlone() throws Exception {
    assertTrue(moves(FileOps.real()).tryClaim(T1, "w1", 1).isPresent());

    assertEquals(Optional.empty(), moves(FileOps.real()).tryClaim(T1, "w2", 1));
    assertEquals(List.of("t-1~1~w1~1.json"), list(TaskState.CLAIMED));
  }

  @Test
  void aLostRaceIsEmptyEvenWhenRenameRepliesMayBeLost() throws Exception {
    FaultyFileOps ops =
        FaultyFileOps.over(FileOps.real())
            .lostReply(Op.RENAME, FaultyFileOps.inDir(layout.dir(TaskState.CLAIMED)))
            .build();
    Files.delete(layout.path(T1)); // another party took it: source gone, our target absent

    assertEquals(Optional.empty(), moves(ops).tryClaim(T1, "w2", 1));
    assertEquals(List.of(), list(TaskState.CLAIMED));
  }

  @Test
  void aFencedFinishWhoseRenameReplyWasLostIsDone() throws Exception {
    TaskName.Claimed claim = moves(FileOps.real()).tryClaim(T1, "w1", 1).orElseThrow();
    FaultyFileOps ops =
        FaultyFileOps.over(FileOps.real())
            .lostReply(Op.RENAME, FaultyFileOps.inDir(layout.dir(TaskState.DONE)))
            .build();

    assertTrue(moves(ops).tryMove(claim, done(), Actor.WORKER));

    assertEquals(1, ops.fired());
    assertEquals(List.of("t-1.json"), list(TaskState.DONE));
    assertEquals(List.of(), list(TaskState.CLAIMED));
  }

  @Test
  void aFencedFinishAfterTheClaimWasRequeuedChangesNothing() throws Exception {
    TaskName.Claimed claim = moves(FileOps.real()).tryClaim(T1, "w1", 1).orElseThrow();
    TaskName.Pending retry = new TaskName.Pending(500, NOW.toEpochMilli() + 1, "t-1", 2);
    assertTrue(moves(FileOps.real()).tryMove(claim, retry, Actor.COORDINATOR));

    assertFalse(moves(FileOps.real()).tryMove(claim, done(), Actor.WORKER));

    assertEquals(List.of(), list(TaskState.DONE));
    assertEquals(List.of(retry.fileName()), list(TaskState.PENDING));
  }

  @Test
  void aForbiddenMoveFailsBeforeTouchingTheDisk() {
    TaskMoves moves = moves(FileOps.real());
    assertThrows(IllegalStateException.class, () -> moves.tryMove(T1, done(), Actor.WORKER));
    assertThrows(
        IllegalStateException.class,
        () -> moves.tryMove(T1, new TaskName.Claimed("t-1", 1, "w1", 1), Actor.COORDINATOR));
    assertTrue(Files.exists(layout.path(T1)));
  }

  @Test
  void aMoveKeepsTheTaskId() {
    TaskName.Claimed other = new TaskName.Claimed("t-2", 1, "w1", 1);
    assertThrows(
        IllegalArgumentException.class,
        () -> moves(FileOps.real()).tryMove(T1, other, Actor.WORKER));
  }

  @Test
  void publishRefusesClaimedFailedAndTerminalDirectories() {
    Task task = Task.ofArgv("t-2", NOW, List.of("true"));
    TaskMoves moves = moves(FileOps.real());
    for (TaskName name :
        List.of(
            new TaskName.Claimed("t-2", 1, "w1", 1),
            new TaskName.Parked(TaskState.FAILED, "t-2", 1),
            new TaskName.Terminal(TaskState.DONE, "t-2"))) {
      assertThrows(
          IllegalArgumentException.class, () -> moves.publish(name, task), name.toString());
    }
  }

  @Test
  void publishWritesAReadableTaskAndLeavesNoDebris() throws Exception {
    TaskName.Parked held = new TaskName.Parked(TaskState.HELD, "t-3", 1);
    Task task = Task.ofArgv("t-3", NOW, List.of("echo", "hi"));

    Path path = moves(FileOps.real()).publish(held, task);

    assertEquals(task, new TaskFiles(layout).read(path, "t-3"));
    try (Stream<Path> s = Files.list(layout.tmp())) {
      assertEquals(0, s.count());
    }
  }

  private TaskMoves moves(FileOps ops) {
    return new TaskMoves(layout, new AtomicFiles(ops, layout.tmp(), true));
  }

  private static TaskName.Terminal done() {
    return new TaskName.Terminal(TaskState.DONE, "t-1");
  }

  private List<String> list(TaskState state) throws IOException {
    try (Stream<Path> s = Files.list(layout.dir(state))) {
      return s.map(p -> p.getFileName().toString()).sorted().collect(Collectors.toList());
    }
  }
}
