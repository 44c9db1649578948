package dev.spool.coordinator.dashboard;

import dev.spool.protocol.spool.SpoolFormatException;
import dev.spool.protocol.spool.SpoolLayout;
import java.io.IOException;
import java.nio.file.Path;

/** Opening a spool, with a format problem reported as an I/O error that names the directory. */
final class Spools {
  private Spools() {}

  static SpoolLayout open(Path root) throws IOException {
    try {
      return SpoolLayout.open(root);
    } catch (SpoolFormatException e) {
      throw new IOException(root + ": " + e.getMessage(), e);
    }
  }
}
