package dev.spool.worker.testing;

import dev.spool.protocol.fs.FileOps;
import java.io.IOException;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Real file operations whose fsync of claimed/ fails a given number of times, after the claim
 * rename took effect: what an EIO from the disk, or libfiu in the chaos suite, does.
 */
public final class ClaimSyncFailingOps implements FileOps {
  private final FileOps real = FileOps.real();
  private final AtomicInteger failures;

  public ClaimSyncFailingOps(int failures) {
    this.failures = new AtomicInteger(failures);
  }

  @Override
  public void rename(Path source, Path target) throws IOException {
    real.rename(source, target);
  }

  @Override
  public void link(Path link, Path existing) throws IOException {
    real.link(link, existing);
  }

  @Override
  public void writeNew(Path file, byte[] data, boolean fsync) throws IOException {
    real.writeNew(file, data, fsync);
  }

  @Override
  public void fsyncDirectory(Path dir) throws IOException {
    if (dir.getFileName().toString().equals("claimed") && failures.getAndDecrement() > 0) {
      throw new IOException("injected: input/output error on fsync of claimed/");
    }
    real.fsyncDirectory(dir);
  }

  @Override
  public boolean deleteIfExists(Path file) throws IOException {
    return real.deleteIfExists(file);
  }

  @Override
  public boolean exists(Path path) {
    return real.exists(path);
  }

  @Override
  public boolean isSameFile(Path a, Path b) throws IOException {
    return real.isSameFile(a, b);
  }
}
