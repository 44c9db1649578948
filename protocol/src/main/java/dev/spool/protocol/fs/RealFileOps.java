package dev.spool.protocol.fs;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;

final class RealFileOps implements FileOps {
  static final RealFileOps INSTANCE = new RealFileOps();

  private RealFileOps() {}

  @Override
  public void rename(Path source, Path target) throws IOException {
    Files.move(source, target, StandardCopyOption.ATOMIC_MOVE);
  }

  @Override
  public void link(Path link, Path existing) throws IOException {
    Files.createLink(link, existing);
  }

  @Override
  public void writeNew(Path file, byte[] data, boolean fsync) throws IOException {
    try (FileChannel ch =
        FileChannel.open(
            file,
            StandardOpenOption.CREATE_NEW,
            StandardOpenOption.WRITE,
            LinkOption.NOFOLLOW_LINKS)) {
      ByteBuffer buf = ByteBuffer.wrap(data);
      while (buf.hasRemaining()) {
        ch.write(buf);
      }
      if (fsync) {
        ch.force(true);
      }
    }
  }

  @Override
  public void fsyncDirectory(Path dir) throws IOException {
    // Linux allows fsync on a directory opened read-only; some file systems refuse it, and there
    // the rename is as durable as that file system makes it (PROTOCOL.md, "Durability").
    try (FileChannel ch = FileChannel.open(dir, StandardOpenOption.READ)) {
      ch.force(true);
    } catch (IOException e) {
      if (!"Invalid argument".equals(e.getMessage())) {
        throw e;
      }
    }
  }

  @Override
  public boolean deleteIfExists(Path file) throws IOException {
    return Files.deleteIfExists(file);
  }

  @Override
  public boolean exists(Path path) {
    return Files.exists(path, LinkOption.NOFOLLOW_LINKS);
  }

  @Override
  public boolean isSameFile(Path a, Path b) throws IOException {
    return Files.isSameFile(a, b);
  }
}
