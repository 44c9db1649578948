package dev.spool.protocol.spool;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.nio.file.Path;
import java.util.Arrays;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Seeded random mutations of a valid task file: whatever the bytes, the intake answers with a
 * documented result (accepted, or quarantined with a printable reason naming the file) and never
 * throws; every input is accounted for afterwards.
 */
@Timeout(60)
class PendingIntakeFuzzTest {
  private static final long SEED = 0x5900_1L;
  private static final int MUTANTS = 400;

  @TempDir Path dir;

  @Test
  void mutatedTaskFilesAreAcceptedOrQuarantinedNeverThrown() throws Exception {
    IntakeFixture fx = new IntakeFixture(dir);
    PendingIntake intake = fx.intake();
    SplittableRandom random = new SplittableRandom(SEED);
    int accepted = 0;
    for (int i = 0; i < MUTANTS; i++) {
      byte[] mutant = mutate(BadTaskCorpus.VALID_TASK, random);
      Path entry = fx.write(IntakeFixture.grammarName("bad-task", i), mutant);
      IntakeResult r;
      try {
        r = intake.intake(entry);
      } catch (Exception | Error e) {
        throw new AssertionError("mutant " + i + " " + Arrays.toString(mutant), e);
      }
      if (r instanceof IntakeResult.Accepted) {
        accepted++;
      } else if (r instanceof IntakeResult.Quarantined) {
        String reason = ((IntakeResult.Quarantined) r).reason();
        assertTrue(reason.startsWith("pending/"), reason);
        assertTrue(reason.chars().allMatch(c -> c >= 0x20 && c != 0x7f), reason);
      } else {
        fail("mutant " + i + " gave " + r);
      }
    }
    int quarantined = IntakeFixture.names(fx.quarantine()).size() / 2;
    assertEquals(MUTANTS, accepted + quarantined, "every mutant is accounted for");
    assertEquals(accepted, IntakeFixture.names(fx.pending()).size());
  }

  /** One to four random edits: overwrite, insert or delete a byte. */
  private static byte[] mutate(byte[] original, SplittableRandom random) {
    byte[] b = original.clone();
    int edits = 1 + random.nextInt(4);
    for (int e = 0; e < edits && b.length > 0; e++) {
      int at = random.nextInt(b.length);
      switch (random.nextInt(3)) {
        case 0:
          b[at] = (byte) random.nextInt(256);
          break;
        case 1:
          byte[] longer = new byte[b.length + 1];
          System.arraycopy(b, 0, longer, 0, at);
          longer[at] = (byte) random.nextInt(256);
          System.arraycopy(b, at, longer, at + 1, b.length - at);
          b = longer;
          break;
        default:
          byte[] shorter = new byte[b.length - 1];
          System.arraycopy(b, 0, shorter, 0, at);
          System.arraycopy(b, at + 1, shorter, at, b.length - at - 1);
          b = shorter;
      }
    }
    return b;
  }
}
