package dev.spool.coordinator.decision;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.spool.coordinator.wal.WalCorruptException;
import dev.spool.coordinator.wal.WriteAheadLog;
import dev.spool.protocol.fs.AtomicFiles;
import dev.spool.protocol.spool.SpoolLayout;
import dev.spool.protocol.wal.WalRecord;
import java.io.Closeable;
import java.io.IOException;
import java.time.Clock;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;

/**
 * The coordinator's decisions, write-ahead: each is appended to the WAL and forced to disk, then
 * applied (renames), then marked applied. Decisions whose renames did not finish stay open: {@link
 * #recover} applies them after a restart or takeover, {@link #retryOpen} after an I/O error.
 * Compaction keeps only open decisions, so the log does not grow with finished tasks.
 *
 * <p>Crash: between append and apply, the decision is open in the log and {@link #recover} finishes
 * it; applying twice is harmless (see {@link DecisionApplier}). A lost applied marker (it is not
 * forced) only causes one more idempotent apply.
 *
 * <p>Not thread-safe: owned by the coordinator loop.
 */
public final class DecisionLog implements Closeable {
  private static final Logger log = LoggerFactory.getLogger(DecisionLog.class);
  static final int COMPACT_AFTER = 256;

  private final SpoolLayout layout;
  private final WriteAheadLog wal;
  private final DecisionApplier applier;
  private final Clock clock;
  private final Map<Long, WalRecord> open = new LinkedHashMap<>();

  private DecisionLog(SpoolLayout layout, WriteAheadLog wal, AtomicFiles files, Clock clock) {
    this.layout = layout;
    this.wal = wal;
    this.applier = new DecisionApplier(layout, files);
    this.clock = clock;
    for (WalRecord r : wal.replayed()) {
      if (Decision.APPLIED.equals(r.op())) {
        open.remove(r.detail().get("seq").asLong());
      } else {
        open.put(r.seq(), r);
      }
    }
  }

  /**
   * Replays the WAL of {@code layout} for lease {@code epoch}; the open decisions are kept for
   * {@link #recover}.
   *
   * @throws WalCorruptException if a record in the middle of the log is damaged
   */
  public static DecisionLog open(SpoolLayout layout, AtomicFiles files, long epoch, Clock clock)
      throws IOException, WalCorruptException {
    return new DecisionLog(layout, WriteAheadLog.open(layout.wal(), epoch, files), files, clock);
  }

  /**
   * Finishes every open decision (idempotently), then compacts the log to what is still open.
   *
   * @return how many open decisions were found
   */
  public int recover() throws IOException {
    int found = open.size();
    if (found > 0) {
      log.info("wal_recovery_started open_decisions={}", found);
    }
    retryOpen();
    wal.compact(new ArrayList<>(open.values()));
    return found;
  }

  /**
   * Applies the decisions left open by an earlier error. One that fails again is logged and stays
   * open; it never keeps the others (or the pass) from running.
   *
   * @return how many are still open
   */
  public int retryOpen() {
    for (WalRecord r : new ArrayList<>(open.values())) {
      try {
        applyAndMark(r);
      } catch (IOException | RuntimeException e) {
        log.warn(
            "decision_still_open seq={} op={} task={} from={} consequence=retried next pass",
            r.seq(),
            r.op(),
            r.taskId(),
            r.from(),
            e);
      }
    }
    return open.size();
  }

  /**
   * Logs {@code decision} durably, then applies it.
   *
   * @return what applying did, or empty if applying failed: the decision stays open and is retried
   *     by {@link #retryOpen}
   * @throws IOException if the WAL append fails (nothing was decided)
   */
  public Optional<Applied> decide(Decision decision) throws IOException {
    WalRecord r = wal.append(decision.toDraft(layout, clock.instant()));
    open.put(r.seq(), r);
    CrashPoints.reach(CrashPoints.AFTER_WAL_APPEND);
    Optional<Applied> applied;
    try {
      applied = Optional.of(applyAndMark(r));
    } catch (IOException | RuntimeException e) {
      log.warn(
          "decision_not_applied seq={} op={} task={} consequence=stays open, retried next pass",
          r.seq(),
          r.op(),
          r.taskId(),
          e);
      applied = Optional.empty();
    }
    if (open.isEmpty() && wal.appendedSinceCompaction() >= COMPACT_AFTER) {
      wal.compact(List.of());
    } else if (wal.appendedSinceCompaction() >= 4L * COMPACT_AFTER) {
      wal.compact(new ArrayList<>(open.values()));
    }
    return applied;
  }

  private Applied applyAndMark(WalRecord r) throws IOException {
    Applied applied;
    MDC.put("task", r.taskId());
    MDC.put("attempt", r.attempt() == null ? null : r.attempt().toString());
    try {
      applied = applier.apply(r);
    } finally {
      MDC.remove("task");
      MDC.remove("attempt");
    }
    open.remove(r.seq());
    ObjectNode ref = Decision.newDetail();
    ref.put("seq", r.seq());
    wal.appendUnforced(
        new WalRecord(
            null,
            0L,
            0L,
            clock.instant(),
            Decision.APPLIED,
            r.taskId(),
            null,
            null,
            null,
            null,
            null,
            ref));
    return applied;
  }

  /** Decisions logged but not yet fully applied. */
  public List<WalRecord> openDecisions() {
    return List.copyOf(open.values());
  }

  public long epoch() {
    return wal.epoch();
  }

  @Override
  public void close() throws IOException {
    wal.close();
  }
}
