package dev.spool.worker.testing;

import dev.spool.protocol.fs.FileOps;
import dev.spool.protocol.fs.ForwardingFileOps;
import java.io.IOException;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Real file operations that fail once at a chosen step: a hard link into {@code results/} that
 * fails before linking (a full disk), or a rename into {@code done/} that fails after renaming (a
 * lost NFS reply that surfaces as EIO).
 */
public final class FlakyFileOps extends ForwardingFileOps {
  private final AtomicInteger linkFailures;
  private final AtomicInteger renameFailures;

  public FlakyFileOps(int linkFailures, int renameFailures) {
    super(FileOps.real());
    this.linkFailures = new AtomicInteger(linkFailures);
    this.renameFailures = new AtomicInteger(renameFailures);
  }

  @Override
  public void rename(Path source, Path target) throws IOException {
    delegate().rename(source, target);
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
    delegate().link(link, existing);
  }
}
