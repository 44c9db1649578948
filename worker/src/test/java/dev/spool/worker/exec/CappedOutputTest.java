package dev.spool.worker.exec;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.ByteArrayInputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** The copy of one output stream when its log cannot be written: reading goes on, storing stops. */
@Timeout(20)
class CappedOutputTest {
  private static final int STREAM = 1 << 20; // 16 reads of the copy's buffer

  @TempDir Path dir;

  @Test
  void aLogThatCannotBeCreatedStillDrainsAndCountsTheWholeStream() throws Exception {
    CappedOutput copy = copyInto(dir.resolve("logs-removed/t~1.out"), 1 << 30);
    assertTrue(copy.awaitEnd(Duration.ofSeconds(10)), "read to the end of the stream");
    assertEquals(STREAM, copy.bytes(), "every byte read and counted, none stored");
    assertTrue(copy.truncated(), "reported as not the whole output");
    assertFalse(Files.exists(dir.resolve("logs-removed")));
  }

  @Test
  void aDiskThatFillsMidStreamStillDrainsIt() throws Exception {
    Path full = Path.of("/dev/full"); // every write fails with ENOSPC, as on a full disk
    assumeTrue(Files.isWritable(full), "needs /dev/full");
    CappedOutput copy = copyInto(full, 1 << 30);
    assertTrue(copy.awaitEnd(Duration.ofSeconds(10)), "read to the end of the stream");
    assertEquals(STREAM, copy.bytes());
    assertTrue(copy.truncated());
  }

  @Test
  void aWritableLogKeepsEverythingUpToTheCap() throws Exception {
    Path log = dir.resolve("t~1.out");
    CappedOutput copy = copyInto(log, 1000);
    assertTrue(copy.awaitEnd(Duration.ofSeconds(10)));
    assertEquals(STREAM, copy.bytes());
    assertTrue(copy.truncated());
    assertEquals(1000 + CappedOutput.marker(1000).length(), Files.size(log));
  }

  private static CappedOutput copyInto(Path file, long cap) {
    byte[] data = new byte[STREAM];
    CappedOutput copy =
        new CappedOutput(
            new ByteArrayInputStream(data), file, cap, Clock.systemUTC(), System::nanoTime);
    copy.start();
    return copy;
  }
}
