package dev.spool.protocol.fs;

import java.io.IOException;
import java.nio.file.Path;

/**
 * A {@link FileOps} that forwards every call to another one; subclasses override only the calls
 * they watch or break (crash points, injected faults). Thread-safe if the delegate is.
 */
public abstract class ForwardingFileOps implements FileOps {
  private final FileOps delegate;

  protected ForwardingFileOps(FileOps delegate) {
    this.delegate = delegate;
  }

  protected final FileOps delegate() {
    return delegate;
  }

  @Override
  public void rename(Path source, Path target) throws IOException {
    delegate.rename(source, target);
  }

  @Override
  public void link(Path link, Path existing) throws IOException {
    delegate.link(link, existing);
  }

  @Override
  public void writeNew(Path file, byte[] data, boolean fsync) throws IOException {
    delegate.writeNew(file, data, fsync);
  }

  @Override
  public void fsyncDirectory(Path dir) throws IOException {
    delegate.fsyncDirectory(dir);
  }

  @Override
  public boolean deleteIfExists(Path file) throws IOException {
    return delegate.deleteIfExists(file);
  }

  @Override
  public boolean exists(Path path) {
    return delegate.exists(path);
  }

  @Override
  public boolean isSameFile(Path a, Path b) throws IOException {
    return delegate.isSameFile(a, b);
  }
}
