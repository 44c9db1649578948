package dev.spool.worker.discovery;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The periodic full listing of pending/ that keeps the {@link PendingIndex} true whatever events
 * were missed (other hosts' NFS writes raise none; inotify overflows). Names outside the grammar go
 * to {@link #intake}, the one place where unaccepted entries are handed to the protocol's intake
 * rules. Called from one thread at a time.
 */
public final class PendingScanner {
  private static final Logger log = LoggerFactory.getLogger(PendingScanner.class);

  private final Path pendingDir;
  private final PendingIndex index;

  public PendingScanner(Path pendingDir, PendingIndex index) {
    this.pendingDir = pendingDir;
    this.index = index;
  }

  /** Lists pending/ once and brings the index in line with it; returns the number of names. */
  public int rescan() throws IOException {
    long scan = index.beginScan();
    int n = 0;
    try (DirectoryStream<Path> entries = Files.newDirectoryStream(pendingDir)) {
      for (Path entry : entries) {
        String name = entry.getFileName().toString();
        if (name.startsWith(".")) {
          continue; // an in-progress write
        }
        if (index.seen(name, scan)) {
          n++;
        } else {
          intake(entry);
        }
      }
    }
    index.endScan(scan);
    log.debug("pending_rescan names={}", n);
    return n;
  }

  /**
   * The intake seam: an entry of pending/ whose name is outside the grammar (a hand-dropped {@code
   * task.json}, debris). The protocol's {@code PendingIntake} (renaming well-formed tasks into the
   * grammar, quarantining the rest) plugs in here; until then such entries are left alone and
   * skipped, which never loses them.
   */
  void intake(Path entry) {
    log.debug("pending_name_outside_grammar entry={} action=skipped", entry.getFileName());
  }
}
