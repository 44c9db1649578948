package dev.spool.coordinator.wal;

import dev.spool.protocol.spool.SpoolLayout;
import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/** Read-only integrity check of the write-ahead log, for {@code spool fsck}. */
public final class WalCheck {
  private WalCheck() {}

  /** Every WAL file with a corrupt record in the middle, with its offset. Changes nothing. */
  public static List<WalCorruptException> corruptFiles(SpoolLayout layout) throws IOException {
    List<WalCorruptException> out = new ArrayList<>();
    try (DirectoryStream<Path> dir = Files.newDirectoryStream(layout.wal(), "*.wal")) {
      for (Path f : dir) {
        Optional<WalCorruptException> bad = WalReader.check(f);
        bad.ifPresent(out::add);
      }
    }
    return out;
  }
}
