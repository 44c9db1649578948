package dev.spool.protocol.spool;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.spool.protocol.fs.FileOps;
import dev.spool.protocol.fs.ForwardingFileOps;
import dev.spool.protocol.task.Task;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Hand-dropped files (names outside the grammar) are read only after they have been seen unchanged
 * for the settle time on the intake's ticker; then renamed into the grammar or quarantined.
 */
@Timeout(30)
class PendingIntakeSettleTest {
  private static final String TASK =
      "{\"id\":\"job-1\",\"argv\":[\"make\",\"all\"],\"priority\":700}";
  private static final Duration SECOND = Duration.ofSeconds(1);

  @TempDir Path dir;
  private IntakeFixture fx;
  private PendingIntake intake;

  @BeforeEach
  void setUp() throws Exception {
    fx = new IntakeFixture(dir);
    intake = fx.intake();
  }

  @Test
  void truncatedFileIsUnsettledUntilSettleTimeThenQuarantined() throws Exception {
    Path entry = fx.write("mytask.json", TASK.substring(0, 25));

    assertInstanceOf(IntakeResult.Unsettled.class, intake.intake(entry));
    fx.advance(SECOND);
    assertInstanceOf(IntakeResult.Unsettled.class, intake.intake(entry));
    fx.advance(Duration.ofMillis(999));
    assertInstanceOf(IntakeResult.Unsettled.class, intake.intake(entry));
    fx.advance(Duration.ofMillis(1));
    IntakeResult r = intake.intake(entry);

    IntakeResult.Quarantined q = assertInstanceOf(IntakeResult.Quarantined.class, r);
    assertTrue(q.reason().startsWith("pending/mytask.json: "), q.reason());
    assertTrue(q.reason().contains("ends early"), q.reason());
    assertEquals(List.of(), IntakeFixture.names(fx.pending()));
  }

  @Test
  void completeFileIsRenamedIntoGrammarThenAccepted() throws Exception {
    Path entry = fx.write("mytask.json", TASK);
    byte[] bytes = Files.readAllBytes(entry);

    assertInstanceOf(IntakeResult.Unsettled.class, intake.intake(entry));
    fx.advance(PendingIntake.DEFAULT_SETTLE);
    IntakeResult r = intake.intake(entry);

    IntakeResult.Renamed renamed = assertInstanceOf(IntakeResult.Renamed.class, r);
    TaskName.Pending name = assertInstanceOf(TaskName.Pending.class, renamed.newName());
    assertEquals(new TaskName.Pending(700, fx.clock.millis(), "job-1", 1), name);
    assertFalse(Files.exists(entry), "the original name is gone");
    Path published = fx.layout.path(name);
    assertArrayEquals(bytes, Files.readAllBytes(published), "renamed, not rewritten");
    assertEquals(List.of(name.fileName()), IntakeFixture.names(fx.pending()));

    IntakeResult again = intake.intake(published);

    IntakeResult.Accepted a = assertInstanceOf(IntakeResult.Accepted.class, again);
    assertEquals(name, a.name());
    assertEquals(List.of("make", "all"), a.task().argv());
  }

  @Test
  void nameWithoutJsonSuffixAndDefaultPriorityIsRenamed() throws Exception {
    Path entry = fx.write("foo", "{\"id\":\"job-2\",\"argv\":[\"true\"]}");

    assertInstanceOf(IntakeResult.Unsettled.class, intake.intake(entry));
    fx.advance(PendingIntake.DEFAULT_SETTLE);
    IntakeResult r = intake.intake(entry);

    IntakeResult.Renamed renamed = assertInstanceOf(IntakeResult.Renamed.class, r);
    TaskName.Pending name = assertInstanceOf(TaskName.Pending.class, renamed.newName());
    assertEquals(Task.DEFAULT_PRIORITY, name.priority());
  }

  @Test
  void taskWithDependenciesIsSubmittedToBlocked() throws Exception {
    Path entry =
        fx.write("mytask.json", "{\"id\":\"job-3\",\"argv\":[\"x\"],\"depends_on\":[\"job-1\"]}");

    IntakeResult.Renamed r = assertInstanceOf(IntakeResult.Renamed.class, settledIntake(entry));

    assertEquals(new TaskName.Parked(TaskState.BLOCKED, "job-3", 1), r.newName());
    assertTrue(Files.exists(fx.layout.path(r.newName())));
    assertEquals(List.of(), IntakeFixture.names(fx.pending()));
  }

  @Test
  void taskNotBeforeAFutureTimeIsSubmittedToScheduled() throws Exception {
    Instant due = IntakeFixture.START.plus(Duration.ofHours(1));
    Path entry =
        fx.write(
            "mytask.json",
            "{\"id\":\"job-4\",\"argv\":[\"x\"],\"priority\":900,\"not_before\":\"" + due + "\"}");

    IntakeResult.Renamed r = assertInstanceOf(IntakeResult.Renamed.class, settledIntake(entry));

    assertEquals(new TaskName.Scheduled(due.toEpochMilli(), 900, "job-4", 1), r.newName());
    assertTrue(Files.exists(fx.layout.path(r.newName())));
  }

  @Test
  void taskNotBeforeAPastTimeIsPending() throws Exception {
    Path entry =
        fx.write(
            "mytask.json",
            "{\"id\":\"job-5\",\"argv\":[\"x\"],\"not_before\":\"2020-01-01T00:00:00Z\"}");

    IntakeResult.Renamed r = assertInstanceOf(IntakeResult.Renamed.class, settledIntake(entry));

    assertEquals(TaskState.PENDING, r.newName().state());
  }

  @Test
  void notBeforePastTheGrammarsLastDayIsQuarantined() throws Exception {
    Path entry =
        fx.write(
            "mytask.json",
            "{\"id\":\"job-6\",\"argv\":[\"x\"],\"not_before\":\"3000-01-01T00:00:00Z\"}");

    IntakeResult r = settledIntake(entry);

    IntakeResult.Quarantined q = assertInstanceOf(IntakeResult.Quarantined.class, r);
    assertTrue(q.reason().contains("field 'not_before': is after"), q.reason());
  }

  @Test
  void fileStillBeingWrittenWaitsUntilItStopsChanging() throws Exception {
    Path entry = fx.write("mytask.json", TASK.substring(0, 20));
    assertInstanceOf(IntakeResult.Unsettled.class, intake.intake(entry));
    fx.advance(Duration.ofMillis(1500));
    append(entry, TASK.substring(20, 40));
    assertInstanceOf(IntakeResult.Unsettled.class, intake.intake(entry), "it grew");
    fx.advance(Duration.ofMillis(1500));
    append(entry, TASK.substring(40));
    assertInstanceOf(IntakeResult.Unsettled.class, intake.intake(entry), "it grew again");
    fx.advance(Duration.ofMillis(1999));
    assertInstanceOf(IntakeResult.Unsettled.class, intake.intake(entry), "not yet settled");
    fx.advance(Duration.ofMillis(1));

    assertInstanceOf(IntakeResult.Renamed.class, intake.intake(entry));
  }

  @Test
  void replacedFileStartsSettlingAgain() throws Exception {
    Path entry = fx.write("mytask.json", TASK);
    assertInstanceOf(IntakeResult.Unsettled.class, intake.intake(entry));
    fx.advance(PendingIntake.DEFAULT_SETTLE);
    Path other = fx.layout.tmp().resolve("other");
    Files.writeString(other, TASK.replace("job-1", "job-9"));
    Files.move(other, entry, java.nio.file.StandardCopyOption.REPLACE_EXISTING);

    assertInstanceOf(IntakeResult.Unsettled.class, intake.intake(entry), "another inode");
  }

  @Test
  void missingIdIsQuarantinedNotInvented() throws Exception {
    Path entry = fx.write("mytask.json", "{\"argv\":[\"echo\",\"hi\"]}");
    intake.intake(entry);
    fx.advance(PendingIntake.DEFAULT_SETTLE);

    IntakeResult r = intake.intake(entry);

    IntakeResult.Quarantined q = assertInstanceOf(IntakeResult.Quarantined.class, r);
    assertEquals("pending/mytask.json: field 'id': is required", q.reason());
  }

  @Test
  void idOfAFinishedTaskIsQuarantined() throws Exception {
    Files.writeString(fx.layout.terminal(TaskState.DONE, "job-1"), TASK);
    Path entry = fx.write("mytask.json", TASK);
    intake.intake(entry);
    fx.advance(PendingIntake.DEFAULT_SETTLE);

    IntakeResult r = intake.intake(entry);

    IntakeResult.Quarantined q = assertInstanceOf(IntakeResult.Quarantined.class, r);
    assertTrue(q.reason().contains("field 'id'"), q.reason());
    assertTrue(q.reason().contains("done/job-1.json already uses"), q.reason());
  }

  @Test
  void utf8ByteOrderMarkIsAcceptedByHandToo() throws Exception {
    byte[] text = TASK.getBytes(StandardCharsets.UTF_8);
    byte[] bom = new byte[text.length + 3];
    bom[0] = (byte) 0xEF;
    bom[1] = (byte) 0xBB;
    bom[2] = (byte) 0xBF;
    System.arraycopy(text, 0, bom, 3, text.length);
    Path entry = fx.write("windows-notepad.json", bom);
    intake.intake(entry);
    fx.advance(PendingIntake.DEFAULT_SETTLE);

    IntakeResult.Renamed r = assertInstanceOf(IntakeResult.Renamed.class, intake.intake(entry));

    assertInstanceOf(IntakeResult.Accepted.class, intake.intake(fx.layout.path(r.newName())));
  }

  @Test
  void settleTimeIsConfigurable() throws Exception {
    PendingIntake slow = intake.withSettleTime(Duration.ofSeconds(10));
    Path entry = fx.write("mytask.json", TASK);
    slow.intake(entry);
    fx.advance(Duration.ofSeconds(9));
    assertInstanceOf(IntakeResult.Unsettled.class, slow.intake(entry));
    fx.advance(SECOND);

    assertInstanceOf(IntakeResult.Renamed.class, slow.intake(entry));
  }

  @Test
  void forgottenSightingStartsTheWaitOver() throws Exception {
    Path entry = fx.write("mytask.json", TASK);
    intake.intake(entry);
    intake.retainSightings(List.of("some-other-name"));
    fx.advance(PendingIntake.DEFAULT_SETTLE);

    assertInstanceOf(IntakeResult.Unsettled.class, intake.intake(entry));
  }

  /**
   * A worker and the coordinator take the same file at once: the second one's rename lands inside
   * the first one's. Exactly one wins; the task is published once.
   */
  @Test
  void twoIntakesRacingForOneFilePublishItOnce() throws Exception {
    PendingIntake coordinator = fx.intake();
    Path entry = fx.write("mytask.json", TASK);
    RenameHook hook = new RenameHook(() -> coordinator.intake(entry));
    PendingIntake worker = fx.intake(hook);
    worker.intake(entry);
    coordinator.intake(entry);
    fx.advance(PendingIntake.DEFAULT_SETTLE);

    IntakeResult workers = worker.intake(entry);

    assertInstanceOf(IntakeResult.Renamed.class, hook.inner, "the coordinator won");
    assertInstanceOf(IntakeResult.Vanished.class, workers, "the worker lost");
    assertEquals(1, IntakeFixture.names(fx.pending()).size());
    assertEquals(List.of(), IntakeFixture.names(fx.quarantine()));
  }

  /** Looks once, lets the settle time pass, and looks again. */
  private IntakeResult settledIntake(Path entry) throws IOException {
    assertInstanceOf(IntakeResult.Unsettled.class, intake.intake(entry));
    fx.advance(PendingIntake.DEFAULT_SETTLE);
    return intake.intake(entry);
  }

  private static void append(Path file, String text) throws IOException {
    Files.writeString(file, text, StandardOpenOption.APPEND);
  }

  /** Real file operations, except that the first rename first runs another party's intake. */
  private static final class RenameHook extends ForwardingFileOps {
    interface Action {
      IntakeResult run() throws IOException;
    }

    private final Action before;
    volatile IntakeResult inner;

    RenameHook(Action before) {
      super(FileOps.real());
      this.before = before;
    }

    @Override
    public void rename(Path source, Path target) throws IOException {
      if (inner == null) {
        inner = before.run();
      }
      delegate().rename(source, target);
    }
  }
}
