package dev.spool.coordinator;

import dev.spool.coordinator.decision.Applied;
import dev.spool.coordinator.decision.Decision;
import dev.spool.coordinator.decision.DecisionLog;
import dev.spool.coordinator.decision.TaskReader;
import dev.spool.coordinator.deps.BlockedTasks;
import dev.spool.coordinator.hooks.HookEvent;
import dev.spool.coordinator.hooks.HookRunner;
import dev.spool.coordinator.liveness.WorkerKey;
import dev.spool.coordinator.liveness.WorkerLiveness;
import dev.spool.coordinator.recovery.ClaimRecovery;
import dev.spool.coordinator.recovery.TimeoutBackstop;
import dev.spool.coordinator.retry.FailedTasks;
import dev.spool.coordinator.retry.LaneRetry;
import dev.spool.coordinator.retry.UnroutableTasks;
import dev.spool.coordinator.retry.WaitingTasks;
import dev.spool.protocol.InvalidInputException;
import dev.spool.protocol.fs.AtomicFiles;
import dev.spool.protocol.heartbeat.Heartbeat;
import dev.spool.protocol.spool.HeartbeatFiles;
import dev.spool.protocol.spool.SpoolLayout;
import dev.spool.protocol.spool.TaskFiles;
import dev.spool.protocol.spool.TaskName;
import dev.spool.protocol.spool.TaskState;
import java.io.IOException;
import java.nio.file.NoSuchFileException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.DoubleSupplier;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One pass of the coordinator over the live part of the spool: cancel requests, dead workers'
 * claims, live workers' claims past their hard timeout, failed attempts, scheduled and pending
 * tasks (due, expired), blocked tasks. Each decision goes through the {@link DecisionLog} (WAL
 * first). A problem with one task is logged and the pass goes on with the next; the next pass looks
 * at it again. Not thread-safe.
 */
final class SpoolPass {
  private static final Logger log = LoggerFactory.getLogger(SpoolPass.class);

  /**
   * pending/ and blocked/ can be large and rarely need a decision within a pass (expiry, release,
   * cancel), so they are listed at most this often; the small, urgent directories every pass.
   */
  static final Duration SLOW_SCAN_EVERY = Duration.ofSeconds(2);

  private static final Set<TaskState> FAST =
      Set.of(TaskState.SCHEDULED, TaskState.HELD, TaskState.CLAIMED, TaskState.FAILED);

  private static final Set<TaskState> FAST_WITH_BLOCKED =
      Set.of(
          TaskState.SCHEDULED,
          TaskState.HELD,
          TaskState.CLAIMED,
          TaskState.FAILED,
          TaskState.BLOCKED);

  /**
   * While blocked/ holds fewer tasks than this it is listed every pass, so a dependent is released
   * one pass after its dependency ends; a larger blocked/ is listed with pending/ every {@link
   * #SLOW_SCAN_EVERY}, keeping a pass's cost bounded.
   */
  static final int SMALL_BLOCKED = 1_000;

  /** Something that decides about one task file. */
  private interface Step {
    Optional<Decision> decide(TaskName name) throws IOException;
  }

  private final SpoolLayout layout;
  private final Clock clock;
  private final DoubleSupplier jitter;
  private final WorkerLiveness liveness;
  private final TimeoutBackstop backstop;
  private final HookRunner hooks;
  private final FinishObserver finishes;
  private final QuotaWatch quotas;
  private final TaskFiles taskFiles;
  private final TaskReader tasks;
  private final ClaimRecovery recovery;
  private final FailedTasks failed;
  private final WaitingTasks waiting;
  private final BlockedTasks blocked;
  private final CancelRequests cancels;
  private final UnroutableTasks unroutable;
  private Map<String, Heartbeat> lastHeartbeats = Map.of();
  private final Set<WorkerKey> reportedDead = new HashSet<>();
  private final Set<String> invalidHeartbeats = new HashSet<>();
  private final LongSupplier ticker;
  private long lastSlowScan;
  private long slowScanEvery = SLOW_SCAN_EVERY.toNanos();
  private boolean slowScanned;
  private boolean blockedSmall;
  private long decided;
  private final Map<TaskState, Long> fingerprints = new EnumMap<>(TaskState.class);

  SpoolPass(
      TaskReader tasks,
      AtomicFiles files,
      CoordinatorConfig config,
      Clocks clocks,
      HookRunner hooks) {
    this.layout = tasks.layout();
    this.clock = clocks.wall();
    this.ticker = clocks.nanos();
    this.jitter = config.jitter();
    this.liveness = new WorkerLiveness(config.deadAfter(), config.pauseThreshold(), clocks.nanos());
    this.backstop =
        new TimeoutBackstop(tasks, files, config.timeoutGrace(), clocks.nanos(), clocks.wall());
    this.hooks = hooks;
    this.finishes = new FinishObserver(layout, files, hooks, clocks.wall(), clocks.nanos());
    this.quotas = new QuotaWatch(layout, files, hooks, clocks.wall(), clocks.nanos());
    this.taskFiles = new TaskFiles(layout);
    this.tasks = tasks;
    this.recovery = new ClaimRecovery(tasks);
    this.failed = new FailedTasks(tasks, new LaneRetry(layout, files));
    this.waiting = new WaitingTasks(tasks);
    this.blocked = new BlockedTasks(tasks);
    this.cancels = new CancelRequests(layout);
    this.unroutable = new UnroutableTasks(tasks, files, config.unroutableAfter(), clocks.nanos());
  }

  /**
   * One pass.
   *
   * @return whether it saw or did anything, and the earliest moment a later pass must act at
   */
  PassReport run(DecisionLog decisions) throws IOException {
    long tick = ticker.getAsLong();
    long appliedBefore = decided;
    boolean slow = !slowScanned || tick - lastSlowScan >= slowScanEvery;
    Set<TaskState> scanned = slow ? PassListing.LISTED : blockedSmall ? FAST_WITH_BLOCKED : FAST;
    PassListing snap = PassListing.scan(layout, scanned);
    if (slow) {
      lastSlowScan = tick;
      slowScanned = true;
    }
    Instant now = clock.instant();
    for (Decision d : cancels.decide(snap)) {
      apply(decisions, d);
    }
    Set<WorkerKey> dead = deadWorkers(snap);
    each(decisions, snap, TaskState.CLAIMED, n -> claimOfDead(n, dead, now));
    boolean requested = !backstop.check(liveClaims(snap, dead)).isEmpty();
    each(decisions, snap, TaskState.FAILED, n -> failed.decide(n, now, jitter.getAsDouble()));
    waiting.retain(snap.all(TaskState.SCHEDULED, TaskState.PENDING), scanned);
    each(decisions, snap, TaskState.SCHEDULED, n -> waiting.decide(n, now));
    boolean pendingListed = scanned.contains(TaskState.PENDING);
    if (pendingListed) {
      unroutable.observe(live(dead));
      unroutable.retain(snap.all(TaskState.PENDING));
    }
    each(decisions, snap, TaskState.PENDING, n -> pendingDecision(n, now));
    if (pendingListed) {
      unroutable.publishNote(now);
    }
    if (scanned.contains(TaskState.BLOCKED)) {
      blocked.retain(snap.all(TaskState.BLOCKED));
      each(decisions, snap, TaskState.BLOCKED, n -> blocked.decide(n, now));
      blockedSmall = snap.all(TaskState.BLOCKED).size() < SMALL_BLOCKED;
    }
    if (slow) {
      slowScanEvery = slowScanPause(ticker.getAsLong() - tick);
    }
    boolean listingChanged = listingChanged(snap, scanned);
    return new PassReport(
        listingChanged || requested || decided != appliedBefore, nextDeadline(snap, tick, now));
  }

  /**
   * Whether a listed directory differs from its last listing (by count and a hash of its names: a
   * hint for pacing only; every pass acts on the listing itself).
   */
  private boolean listingChanged(PassListing snap, Set<TaskState> scanned) {
    boolean changed = false;
    for (TaskState s : scanned) {
      long print = snap.fingerprint(s);
      Long before = fingerprints.put(s, print);
      changed |= before == null || before != print;
    }
    return changed;
  }

  /**
   * The earliest moment (on the ticker) a pass must run to act on time: the first due time in
   * scheduled/, a watched worker reaching {@code dead_after}, a claim reaching its hard timeout
   * plus grace. Only moments still ahead count: one already passed was acted on by this pass.
   */
  private long nextDeadline(PassListing snap, long tick, Instant now) {
    long next = Math.min(liveness.nextDeadline(tick), backstop.nextDeadline(tick));
    List<TaskName> scheduled = snap.in(TaskState.SCHEDULED);
    if (!scheduled.isEmpty()) {
      long untilDue = ((TaskName.Scheduled) scheduled.get(0)).dueMillis() - now.toEpochMilli();
      if (untilDue > 0) {
        next = Math.min(next, tick + Math.min(untilDue, MAX_DUE_WAIT_MILLIS) * 1_000_000L);
      }
    }
    return next;
  }

  /** Caps the conversion of a far-away due time to ticker nanoseconds (no overflow). */
  private static final long MAX_DUE_WAIT_MILLIS = Duration.ofDays(1).toMillis();

  /**
   * The pause between two listings of pending/ and blocked/: {@link #SLOW_SCAN_EVERY}, stretched so
   * that a pass with those listings takes at most 1/{@value #SLOW_SCAN_COST_FACTOR} of the
   * coordinator's time. With a million waiting tasks a listing takes seconds; doing it every two
   * seconds would keep a core busy and delay the urgent work (dead workers, failed attempts) that
   * every pass does.
   */
  static long slowScanPause(long lastSlowPassNanos) {
    return Math.max(
        SLOW_SCAN_EVERY.toNanos(),
        Math.min(MAX_SLOW_SCAN_PAUSE.toNanos(), SLOW_SCAN_COST_FACTOR * lastSlowPassNanos));
  }

  /**
   * However slow a pass, pending/ and a large blocked/ are looked at within a minute (the first
   * pass over a big spool reads every waiting task once for its queue_timeout and is the slowest).
   */
  static final Duration MAX_SLOW_SCAN_PAUSE = Duration.ofMinutes(1);

  static final int SLOW_SCAN_COST_FACTOR = 10;

  /** A pending task's file is read once for both questions (each caches its answer by name). */
  private Optional<Decision> pendingDecision(TaskName n, Instant now) throws IOException {
    TaskReader.Once file = tasks.once(n);
    Optional<Decision> d = waiting.decide(file, now);
    return d.isPresent() ? d : unroutable.decide(file);
  }

  /** Heartbeats of runs that are neither dead nor stopped. */
  private List<Heartbeat> live(Set<WorkerKey> dead) {
    List<Heartbeat> out = new ArrayList<>();
    for (Heartbeat hb : lastHeartbeats.values()) {
      if (!hb.stopped() && !dead.contains(new WorkerKey(hb.workerId(), hb.incarnation()))) {
        out.add(hb);
      }
    }
    return out;
  }

  private void each(DecisionLog decisions, PassListing snap, TaskState state, Step step)
      throws IOException {
    for (TaskName n : snap.in(state)) {
      Optional<Decision> d;
      try {
        d = step.decide(n);
      } catch (IOException e) {
        log.warn(
            "task_skipped file={} consequence=looked at again next pass",
            layout.relative(layout.path(n)),
            e);
        continue;
      }
      if (d.isPresent()) {
        apply(decisions, d.get());
      }
    }
  }

  /** A WAL failure ends the pass: the WAL may be broken; the next pass retries. */
  private void apply(DecisionLog decisions, Decision d) throws IOException {
    decided++;
    Optional<Applied> applied = decisions.decide(d);
    if (applied.isPresent() && applied.get() == Applied.MOVED && d.to().state().isTerminal()) {
      hooks.fire(
          new HookEvent(
              d.to().state() == TaskState.DEAD ? HookEvent.TASK_DEAD : HookEvent.TASK_CANCELLED,
              clock.instant(),
              d.taskId(),
              d.detail().has("worker") ? d.detail().get("worker").asText() : null,
              d.reason() == null ? null : d.reason().code(),
              d.detail().has("message") ? d.detail().get("message").asText() : null,
              labels(d.to())));
    }
  }

  /** The labels of a task that just ended, for hook filters; empty if it cannot be read. */
  private Map<String, String> labels(TaskName terminal) {
    try {
      return taskFiles.read(layout.path(terminal), terminal.id()).labels();
    } catch (IOException | InvalidInputException e) {
      log.debug("hook_labels_unreadable task={} reason={}", terminal.id(), e.getMessage());
      return Map.of();
    }
  }

  private Optional<Decision> claimOfDead(TaskName n, Set<WorkerKey> dead, Instant now)
      throws IOException {
    TaskName.Claimed c = (TaskName.Claimed) n;
    if (!dead.contains(new WorkerKey(c.worker(), c.incarnation()))) {
      return Optional.empty();
    }
    return recovery.decide(c, now);
  }

  private static Set<TaskName.Claimed> liveClaims(PassListing snap, Set<WorkerKey> dead) {
    Set<TaskName.Claimed> live = new HashSet<>();
    for (TaskName n : snap.in(TaskState.CLAIMED)) {
      TaskName.Claimed c = (TaskName.Claimed) n;
      if (!dead.contains(new WorkerKey(c.worker(), c.incarnation()))) {
        live.add(c);
      }
    }
    return live;
  }

  private Set<WorkerKey> deadWorkers(PassListing snap) throws IOException {
    Set<WorkerKey> owners = new HashSet<>();
    for (TaskName n : snap.in(TaskState.CLAIMED)) {
      TaskName.Claimed c = (TaskName.Claimed) n;
      owners.add(new WorkerKey(c.worker(), c.incarnation()));
    }
    Map<String, Heartbeat> heartbeats = heartbeats();
    lastHeartbeats = heartbeats;
    Set<WorkerKey> dead = liveness.observe(heartbeats, owners);
    finishes.observe(heartbeats);
    finishes.maybeWrite();
    quotas.check();
    for (WorkerKey k : dead) {
      if (reportedDead.add(k)) {
        hooks.fire(
            new HookEvent(
                HookEvent.WORKER_DEAD, clock.instant(), null, k.worker(), null, null, null));
        log.warn(
            "worker_dead worker={} incarnation={} holds_claims={} consequence=its claims are"
                + " recorded lost and requeued",
            k.worker(),
            k.incarnation(),
            owners.contains(k));
      }
    }
    reportedDead.retainAll(dead);
    return dead;
  }

  private Map<String, Heartbeat> heartbeats() throws IOException {
    Map<String, Heartbeat> out = new HashMap<>();
    for (String worker : HeartbeatFiles.workers(layout)) {
      String f = worker + ".json";
      try {
        out.put(worker, HeartbeatFiles.read(layout, worker));
        invalidHeartbeats.remove(f);
      } catch (NoSuchFileException e) {
        log.debug("heartbeat_vanished file={}", f);
      } catch (InvalidInputException e) {
        if (invalidHeartbeats.add(f)) {
          log.warn(
              "heartbeat_invalid file={} reason={} consequence=read as absent; its worker's claims"
                  + " are recovered after dead_after unless it becomes valid",
              f,
              e.getMessage());
        }
      }
    }
    return out;
  }
}
