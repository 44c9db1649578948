package dev.spool.protocol.spool;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.spool.protocol.fs.FileOps;
import dev.spool.protocol.fs.ForwardingFileOps;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Faults in the middle of an intake: a rename whose reply is lost (NFS reports ENOENT after it
 * succeeded) and a disk that fails. Each entry still ends in pending/ or quarantine/ with its
 * reason; nothing is lost.
 */
@Timeout(30)
class PendingIntakeFaultTest {
  private static final String TASK = "{\"id\":\"job-1\",\"argv\":[\"make\"]}";

  @TempDir Path dir;
  private IntakeFixture fx;

  @BeforeEach
  void setUp() throws Exception {
    fx = new IntakeFixture(dir);
  }

  @Test
  void lostReplyOfTheHandDroppedRenameLeavesTheTaskPublished() throws Exception {
    PendingIntake intake = fx.intake(new FaultyOps(Fault.LOST_REPLY));
    Path entry = fx.write("mytask.json", TASK);
    intake.intake(entry);
    fx.advance(PendingIntake.DEFAULT_SETTLE);

    IntakeResult r = intake.intake(entry);

    assertInstanceOf(IntakeResult.Vanished.class, r, "as far as it knows, another party took it");
    List<String> pending = IntakeFixture.names(fx.pending());
    assertEquals(1, pending.size());
    IntakeResult next = fx.intake().intake(fx.pending().resolve(pending.get(0)));
    assertInstanceOf(IntakeResult.Accepted.class, next);
  }

  @Test
  void lostReplyOfTheQuarantineRenameKeepsTheReasonFile() throws Exception {
    PendingIntake intake = fx.intake(new FaultyOps(Fault.LOST_REPLY));
    Path entry = fx.write(IntakeFixture.grammarName("job-1", 0), "{\"id\":");

    IntakeResult r = intake.intake(entry);

    assertInstanceOf(IntakeResult.Quarantined.class, r);
    List<String> quarantined = IntakeFixture.names(fx.quarantine());
    assertEquals(2, quarantined.size(), "entry and reason: " + quarantined);
    assertTrue(quarantined.get(1).equals(quarantined.get(0) + ".reason"), quarantined.toString());
    assertEquals(List.of(), IntakeFixture.names(fx.pending()));
  }

  @Test
  void failedRenameLeavesTheEntryInPending() throws Exception {
    PendingIntake intake = fx.intake(new FaultyOps(Fault.DISK));
    Path entry = fx.write("mytask.json", TASK);
    intake.intake(entry);
    fx.advance(PendingIntake.DEFAULT_SETTLE);

    assertThrows(IOException.class, () -> intake.intake(entry), "a broken disk is an exception");

    assertTrue(Files.exists(entry), "still in pending/ for the next scan");
    PendingIntake healthy = fx.intake();
    assertInstanceOf(IntakeResult.Unsettled.class, healthy.intake(entry));
    fx.advance(PendingIntake.DEFAULT_SETTLE);
    assertInstanceOf(IntakeResult.Renamed.class, healthy.intake(entry));
  }

  private enum Fault {
    /** The rename happens, then reports ENOENT, as a retransmitted NFS rename can. */
    LOST_REPLY,
    /** The rename fails with an I/O error and does nothing. */
    DISK
  }

  /** Real file operations whose renames out of pending/ fail as {@link Fault} says. */
  private final class FaultyOps extends ForwardingFileOps {
    private final Fault fault;

    FaultyOps(Fault fault) {
      super(FileOps.real());
      this.fault = fault;
    }

    @Override
    public void rename(Path source, Path target) throws IOException {
      if (!source.getParent().equals(fx.pending())) {
        delegate().rename(source, target);
        return;
      }
      if (fault == Fault.DISK) {
        throw new IOException("Input/output error");
      }
      delegate().rename(source, target);
      throw new NoSuchFileException(source.toString());
    }
  }
}
