package dev.spool.worker.testing;

import dev.spool.protocol.fs.FileOps;
import java.io.IOException;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Real file operations that fail once at a chosen step: a hard link into {@code results/} that
 * fails before linking (a full disk), or a rename into {@code done/} that fails after renaming (a
 * lost NFS reply that surfaces as EIO).
 */
public final class FlakyFileOps implements FileOps {
  private final FileOps real = FileOps.real();
  private final AtomicInteger linkFailures;
  private final AtomicInteger renameFailures;

  public FlakyFileOps(int linkFailures, int renameFailures) {
    this.linkFailures = new AtomicInteger(linkFailures);
    this.renameFailures = new AtomicInteger(renameFailures);
  }

  @Override
  public void rename(Path source, Path target) throws IOException {
    real.rename(source, target);
    if (target.getParent().getFileName().toString().equals("done")
        && renameFailures.getAndDecrement() > 0) {
      throw new IOException("injected: input/output error after the rename took effect");
    }
  }

  @Override
  public void link(Path link, Path existing) throws IOException {
    if (link.getParent().getFileName().toString().equals("results")
        && linkFailures.getAndDecrement() > 0) {
      throw new IOException("injected: no space left on device");
    }
    real.link(link, existing);
  }

  @Override
  public void writeNew(Path file, byte[] data, boolean fsync) throws IOException {
    real.writeNew(file, data, fsync);
  }

  @Override
  public void fsyncDirectory(Path dir) throws IOException {
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
