package dev.spool.worker.testing;

import dev.spool.protocol.fs.FileOps;
import dev.spool.protocol.fs.ForwardingFileOps;
import java.io.IOException;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Real file operations whose fsync of claimed/ fails a given number of times, after the claim
 * rename took effect: what an EIO from the disk, or libfiu in the chaos suite, does.
 */
public final class ClaimSyncFailingOps extends ForwardingFileOps {
  private final AtomicInteger failures;

  public ClaimSyncFailingOps(int failures) {
    super(FileOps.real());
    this.failures = new AtomicInteger(failures);
  }

  @Override
  public void fsyncDirectory(Path dir) throws IOException {
    if (dir.getFileName().toString().equals("claimed") && failures.getAndDecrement() > 0) {
      throw new IOException("injected: input/output error on fsync of claimed/");
    }
    delegate().fsyncDirectory(dir);
  }
}
