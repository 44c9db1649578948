package dev.spool.worker;

import dev.spool.protocol.spool.SpoolLayout;
import dev.spool.protocol.spool.TaskName;
import dev.spool.protocol.spool.TaskState;
import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashSet;
import java.util.Optional;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Finds claims of this very incarnation that no slot runs, and hands them back. Such a claim exists
 * when a claim rename took effect although it reported failure and the check after it was fooled:
 * over NFS a retransmitted rename reports ENOENT after it succeeded, and a stale attribute cache
 * can still say that the source exists and the target does not, so {@code tryClaim} answers "lost
 * race" while the claim sits in claimed/ under a worker that keeps beating. Nobody else recovers a
 * live worker's claim, so without this sweep the task would be stranded. A slot that failed
 * unexpectedly after its claim leaves the same kind of orphan.
 *
 * <p>A claim counts as orphaned only when two consecutive sweeps, an interval apart, both list it
 * while no slot holds it (a stale listing may still name a claim that finished a moment ago), and
 * its file can still be read. It is then handled as a predecessor's claim ({@link
 * ClaimRecovery#handBack}): a published result is applied, otherwise the attempt is recorded lost
 * and the task requeued with the next attempt. Any race is settled by the publish-if-absent of the
 * result. Runs on the dispatcher thread, the only thread that claims, so a claim between its rename
 * and its registration as running is never seen here. Not thread-safe.
 */
final class OwnClaimSweep {
  private static final Logger log = LoggerFactory.getLogger(OwnClaimSweep.class);

  private final WorkerContext ctx;
  private final RunningTasks running;
  private final ClaimRecovery recovery;
  private final long everyNanos;
  private Set<String> suspects = Set.of();
  private long next;

  OwnClaimSweep(WorkerContext ctx, RunningTasks running) {
    this.ctx = ctx;
    this.running = running;
    this.recovery = new ClaimRecovery(ctx);
    this.everyNanos = interval(ctx.config().rescanInterval()).toNanos();
    this.next = ctx.nanoTicker().getAsLong() + everyNanos;
  }

  /** Five rescans, at least a second and at most a minute: cheap, and well past a stale cache. */
  static Duration interval(Duration rescan) {
    Duration d = rescan.multipliedBy(5);
    if (d.compareTo(Duration.ofSeconds(1)) < 0) {
      return Duration.ofSeconds(1);
    }
    return d.compareTo(Duration.ofMinutes(1)) > 0 ? Duration.ofMinutes(1) : d;
  }

  /** Sweeps if an interval has passed since the last sweep; how many claims were handed back. */
  int maybeSweep() throws IOException {
    long now = ctx.nanoTicker().getAsLong();
    if (now - next < 0) {
      return 0;
    }
    next = now + everyNanos;
    return sweep();
  }

  private int sweep() throws IOException {
    Set<String> held = new HashSet<>();
    running.all().forEach(r -> held.add(r.claim.fileName()));
    Set<String> seen = new HashSet<>();
    int n = 0;
    SpoolLayout layout = ctx.spool().layout();
    try (DirectoryStream<Path> s = Files.newDirectoryStream(layout.dir(TaskState.CLAIMED))) {
      for (Path p : s) {
        String name = p.getFileName().toString();
        Optional<TaskName> parsed = TaskName.parse(TaskState.CLAIMED, name);
        if (parsed.isEmpty() || held.contains(name) || !ours((TaskName.Claimed) parsed.get())) {
          continue;
        }
        seen.add(name);
        if (suspects.contains(name) && handBack((TaskName.Claimed) parsed.get(), p)) {
          n++;
        }
      }
    }
    suspects = seen;
    return n;
  }

  private boolean ours(TaskName.Claimed c) {
    return c.worker().equals(ctx.identity().workerId())
        && c.incarnation() == ctx.identity().incarnation();
  }

  private boolean handBack(TaskName.Claimed c, Path file) throws IOException {
    boolean handed =
        recovery.handBack(
            c,
            file,
            "claim of worker "
                + c.worker()
                + " incarnation "
                + c.incarnation()
                + " that no slot ran (a claim rename that reported failure after taking effect);"
                + " handed back by the worker itself");
    if (handed) {
      log.warn(
          "orphan_claim_handed_back claim={} consequence=a claim of this worker that no slot ran"
              + " went back to the queue (recorded lost if no result was published)",
          c.fileName());
    } else {
      log.debug("orphan_claim_gone claim={}", c.fileName());
    }
    return handed;
  }
}
