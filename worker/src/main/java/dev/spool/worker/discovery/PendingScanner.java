package dev.spool.worker.discovery;

import dev.spool.protocol.spool.IntakeResult;
import dev.spool.protocol.spool.PendingIntake;
import dev.spool.protocol.spool.TaskName;
import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
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
  private final PendingIntake intake;

  /**
   * @param intake the protocol's rules for names outside the grammar, or null to leave such entries
   *     alone (tests of the index alone)
   */
  public PendingScanner(Path pendingDir, PendingIndex index, PendingIntake intake) {
    this.pendingDir = pendingDir;
    this.index = index;
    this.intake = intake;
  }

  /** Lists pending/ once and brings the index in line with it; returns the number of names. */
  public int rescan() throws IOException {
    long scan = index.beginScan();
    int n = 0;
    List<String> outside = new ArrayList<>();
    try (DirectoryStream<Path> entries = Files.newDirectoryStream(pendingDir)) {
      for (Path entry : entries) {
        String name = entry.getFileName().toString();
        if (name.startsWith(".")) {
          continue; // an in-progress write
        }
        if (index.seen(name, scan)) {
          n++;
        } else {
          outside.add(name);
          if (intake(entry)) {
            n++;
          }
        }
      }
    }
    index.endScan(scan);
    if (intake != null) {
      intake.retainSightings(outside);
    }
    log.debug("pending_rescan names={}", n);
    return n;
  }

  /**
   * The intake seam: an entry of pending/ whose name is outside the grammar (a hand-dropped {@code
   * task.json}, debris, a hostile entry). The protocol's {@link PendingIntake} decides: a settled
   * valid task is renamed into the grammar (and indexed when it lands in pending/), anything unsafe
   * or invalid is quarantined with its reason, a file still being written waits.
   *
   * @return true if a task now sits in pending/ under a grammar name that was indexed
   */
  boolean intake(Path entry) throws IOException {
    if (intake == null) {
      log.debug("pending_name_outside_grammar entry={} action=skipped", entry.getFileName());
      return false;
    }
    IntakeResult r = intake.intake(entry);
    if (r instanceof IntakeResult.Renamed) {
      TaskName to = ((IntakeResult.Renamed) r).newName();
      log.info(
          "pending_intake_renamed entry={} to={}/{}",
          entry.getFileName(),
          to.state().code(),
          to.fileName());
      return to instanceof TaskName.Pending && index.offer(to.fileName());
    }
    if (r instanceof IntakeResult.Quarantined) {
      log.warn(
          "pending_intake_quarantined entry={} reason={}",
          entry.getFileName(),
          ((IntakeResult.Quarantined) r).reason());
    }
    return false;
  }
}
