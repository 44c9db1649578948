package dev.spool.coordinator;

import dev.spool.coordinator.decision.DecisionLog;
import dev.spool.coordinator.decision.TaskReader;
import dev.spool.coordinator.hooks.HookRunner;
import dev.spool.coordinator.lease.CoordinatorLease;
import dev.spool.coordinator.wal.WalCorruptException;
import dev.spool.protocol.fs.AtomicFiles;
import dev.spool.protocol.fs.FileOps;
import dev.spool.protocol.spool.Quarantine;
import dev.spool.protocol.spool.SpoolLayout;
import java.io.IOException;
import java.time.Clock;
import java.util.Optional;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The coordinator daemon of one spool: the policy engine that recovers dead workers' claims,
 * schedules retries, expires tasks that waited too long, releases dependent tasks and carries out
 * cancel requests of tasks that are not running, and runs the configured hooks when a task ends
 * dead or cancelled or a worker dies. Workers never need it to make progress.
 *
 * <p>Only the holder of the coordinator lease acts ({@link CoordinatorLease}); others wait as
 * standbys. On becoming active it replays the WAL and finishes every decision a crash left
 * half-done before its first pass. Every decision is in the WAL, forced to disk, before its
 * renames. A pass never lists done/, dead/ or cancelled/: its cost and the memory follow the number
 * of live tasks.
 *
 * <p>{@link #start} runs passes on one daemon thread, paced by a {@link PassPacer}: every {@code
 * interval} while passes find work, backing off to {@code idle_interval} while nothing changes,
 * back to {@code interval} on any change a pass or a {@link ChangeWatch} event shows, and never
 * sleeping past a due time, a worker's {@code dead_after} or a lease renewal. A standby keeps the
 * base interval (its tick is one small read). A failing pass is logged and the next one runs
 * (except a corrupt WAL, which stops the coordinator: see {@link #failure}). {@link #tickOnce} runs
 * one pass on the caller's thread (tests, embedded use). Thread-safe: passes are serialised.
 */
public final class Coordinator implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(Coordinator.class);

  private final SpoolLayout layout;
  private final CoordinatorConfig config;
  private final Clock clock;
  private final AtomicFiles files;
  private final CoordinatorLease lease;
  private final SpoolPass pass;
  private final HookRunner hooks;
  private final LongSupplier ticker;
  private final PassPacer pacer;
  private final ChangeWatch watch;
  private final ReentrantLock lock = new ReentrantLock();

  /** Guards {@link #nudged} and the loop's pause; never held during a pass. */
  private final ReentrantLock pauseLock = new ReentrantLock();

  private final Condition wake = pauseLock.newCondition();
  private boolean nudged;
  private DecisionLog decisions;
  private Thread thread;
  private volatile boolean running;
  private volatile Throwable failure;

  public Coordinator(
      SpoolLayout layout, CoordinatorConfig config, Clock clock, LongSupplier nanoTicker) {
    this.layout = layout;
    this.config = config;
    this.clock = clock;
    this.files = new AtomicFiles(FileOps.real(), layout.tmp(), true);
    this.lease = new CoordinatorLease(layout, files, config.lease(), nanoTicker, clock);
    TaskReader tasks = new TaskReader(layout, new Quarantine(layout, files, clock));
    this.hooks = new HookRunner(config.hooks());
    this.pass = new SpoolPass(tasks, files, config, new Clocks(clock, nanoTicker), hooks);
    this.ticker = nanoTicker;
    this.pacer = new PassPacer(config.interval(), config.idleInterval());
    this.watch = new ChangeWatch(layout, this::nudge);
  }

  /** Starts the loop on a daemon thread named {@code spool-coordinator}. */
  public void start() {
    lock.lock();
    try {
      if (thread != null) {
        throw new IllegalStateException("already started");
      }
      running = true;
      watch.start();
      thread = new Thread(this::loop, "spool-coordinator");
      thread.setDaemon(true);
      thread.start();
    } finally {
      lock.unlock();
    }
  }

  private void loop() {
    while (running) {
      PassReport report;
      try {
        report = tickAndReport();
      } catch (WalCorruptException e) {
        failure = e;
        running = false;
        log.error(
            "coordinator_stopped reason={} consequence=no retries, recoveries or releases until"
                + " the WAL is repaired (spool fsck); workers keep running",
            e.getMessage());
        return;
      } catch (Throwable t) {
        log.error(
            "coordinator_pass_failed consequence=the next pass in {} ms retries",
            config.interval().toMillis(),
            t);
        report = PassReport.BUSY;
      }
      long pause = nextPauseNanos(report);
      // With hysteresis: armed after two idle passes in a row, disarmed by a change; a spool
      // that changes every other pass is passed over every 250-500 ms anyway.
      long current = pacer.current().toNanos();
      if (current >= 4 * config.interval().toNanos()) {
        watch.arm();
      } else if (current <= config.interval().toNanos()) {
        watch.disarm();
      }
      awaitNextPass(pause);
    }
  }

  /** The pause after a pass that reported {@code report} (the loop's pacing, for tests too). */
  long nextPauseNanos(PassReport report) {
    pacer.passed(report.changed());
    return pacer.pauseNanos(ticker.getAsLong(), report.deadlineNanos());
  }

  /**
   * Waits {@code pauseNanos}, cut short to one base interval after the pass when a watch event
   * arrives (during the pass or the wait): a change is looked at as promptly as on a busy spool,
   * and a stream of events never runs passes back to back.
   */
  private void awaitNextPass(long pauseNanos) {
    long base = config.interval().toNanos();
    long left = pauseNanos;
    boolean shortened = false;
    pauseLock.lock();
    try {
      while (running && left > 0) {
        if (nudged && !shortened) {
          // nudged stays set until the pass: later events do not signal again.
          shortened = true;
          pacer.changed();
          left = Math.min(left, base - (pauseNanos - left));
          if (left <= 0) {
            break;
          }
        }
        left = wake.awaitNanos(left);
      }
      nudged = false;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      running = false;
    } finally {
      pauseLock.unlock();
    }
  }

  /** A watch event: something the coordinator acts on changed (called on the watch thread). */
  private void nudge() {
    pauseLock.lock();
    try {
      if (!nudged) {
        // One wake-up per pause, however many events a busy spool raises meanwhile.
        nudged = true;
        wake.signalAll();
      }
    } finally {
      pauseLock.unlock();
    }
  }

  /**
   * One iteration: renew or watch the lease; if active, finish open decisions and make one pass.
   *
   * @throws WalCorruptException if the WAL is corrupt in the middle (this coordinator cannot act)
   */
  public void tickOnce() throws IOException, WalCorruptException {
    tickAndReport();
  }

  /** {@link #tickOnce}, telling the pacing what the pass saw. */
  PassReport tickAndReport() throws IOException, WalCorruptException {
    lock.lock();
    try {
      if (lease.tick() != CoordinatorLease.Role.ACTIVE) {
        closeDecisions();
        return PassReport.BUSY;
      }
      if (decisions == null || decisions.epoch() != lease.epoch()) {
        closeDecisions();
        decisions = DecisionLog.open(layout, files, lease.epoch(), clock);
        int open = decisions.recover();
        log.info("coordinator_started epoch={} finished_open_decisions={}", lease.epoch(), open);
      } else {
        decisions.retryOpen();
      }
      PassReport report = pass.run(decisions);
      return new PassReport(
          report.changed(), Math.min(report.deadlineNanos(), lease.nextRenewalNanos()));
    } finally {
      lock.unlock();
    }
  }

  /** True while this coordinator holds the lease. */
  public boolean isActive() {
    return lease.role() == CoordinatorLease.Role.ACTIVE;
  }

  /** The epoch of the lease this coordinator holds (meaningful while active). */
  public long epoch() {
    return lease.epoch();
  }

  /** Why the loop stopped on its own (a corrupt WAL), if it did. */
  public Optional<Throwable> failure() {
    return Optional.ofNullable(failure);
  }

  public SpoolLayout layout() {
    return layout;
  }

  private void closeDecisions() throws IOException {
    if (decisions != null) {
      DecisionLog d = decisions;
      decisions = null;
      d.close();
    }
  }

  /**
   * Stops the loop (waits up to 10 s for the pass in progress), releases the lease so a standby
   * takes over at once, and closes the WAL. Idempotent; preserves the interrupt flag.
   */
  @Override
  public void close() {
    Thread t;
    pauseLock.lock();
    try {
      running = false;
      wake.signalAll();
    } finally {
      pauseLock.unlock();
    }
    watch.close();
    lock.lock();
    try {
      t = thread;
    } finally {
      lock.unlock();
    }
    if (t != null && t != Thread.currentThread()) {
      try {
        t.join(10_000);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
    lock.lock();
    try {
      lease.release();
      closeDecisions();
      hooks.close();
    } catch (IOException e) {
      log.warn("coordinator_close_incomplete consequence=a standby waits for the lease timeout", e);
    } finally {
      lock.unlock();
    }
  }
}
