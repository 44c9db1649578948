package dev.spool.worker;

import dev.spool.protocol.InvalidInputException;
import dev.spool.protocol.lanes.LaneStates;
import dev.spool.protocol.lanes.QuotaSlots;
import dev.spool.protocol.lanes.Routing;
import dev.spool.protocol.spool.Actor;
import dev.spool.protocol.spool.PendingIntake;
import dev.spool.protocol.spool.SpoolLayout;
import dev.spool.protocol.spool.TaskName;
import dev.spool.protocol.task.Task;
import dev.spool.worker.config.WorkerConfig;
import dev.spool.worker.discovery.PendingIndex;
import dev.spool.worker.discovery.PendingScanner;
import dev.spool.worker.discovery.TaskMatcher;
import dev.spool.worker.discovery.TaskPicker;
import dev.spool.worker.discovery.Verdict;
import dev.spool.worker.exec.StopReason;
import dev.spool.worker.lane.LaneAttempts;
import dev.spool.worker.lane.LaneChoice;
import dev.spool.worker.lane.LaneRouter;
import dev.spool.worker.lane.RoutingCache;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;

/**
 * The worker's claim loop, on one thread: rescans pending/ on schedule (or when the watcher lost
 * events), looks at control requests, and while a slot is free claims the first task of the {@link
 * PendingIndex} this worker may run, reading a task file only when its name reaches the head (the
 * verdict is cached). It never claims more tasks than free slots, so it never hoards. Each
 * iteration catches Throwable, logs it and goes on after a pause.
 */
final class Dispatcher {
  private static final Logger log = LoggerFactory.getLogger(Dispatcher.class);
  private static final long MAX_WAIT_NANOS = 200_000_000L;

  private final WorkerContext ctx;
  private final PendingIndex index;
  private final PendingScanner scanner;
  private final TaskMatcher matcher;
  private final TaskPicker picker;
  private final LaneRouter router;
  private Routing lastRouting;
  private final RunningTasks running;
  private final OwnClaimSweep ownClaims;
  private final AttemptRunner runner;
  private final ExecutorService slotThreads;
  private final Semaphore slots;
  private final ClaimCounts claims;
  private final ReentrantLock lock = new ReentrantLock();
  private final Condition woken = lock.newCondition();
  private boolean signalled;
  private volatile boolean draining;
  private volatile boolean rescanRequested = true;
  private volatile boolean stopped;
  private long nextRescan;
  private long nextControlCheck;

  /**
   * Control requests (drain, cancel) are looked for at most this often. The loop turns once per
   * finished task and per new name; looking each time cost a failed lookup per running task, each a
   * thrown exception inside the JDK, several per task under a stream of short tasks. A running
   * task's own supervision polls at the same pace.
   */
  static final long CONTROL_CHECK_NANOS = 50_000_000L;

  Dispatcher(
      WorkerContext ctx,
      PendingIndex index,
      RunningTasks running,
      ExecutorService slotThreads,
      ClaimCounts claims) {
    this.ctx = ctx;
    this.claims = claims;
    this.index = index;
    this.scanner =
        new PendingScanner(
            ctx.spool().layout().dir(dev.spool.protocol.spool.TaskState.PENDING),
            index,
            new PendingIntake(
                ctx.spool().layout(),
                ctx.spool().files(),
                ctx.clock(),
                ctx.nanoTicker(),
                ctx.detectedBy()));
    this.router = lanes(ctx);
    this.matcher = new TaskMatcher(ctx.config(), router);
    this.picker =
        new TaskPicker(
            index,
            matcher,
            ctx.spool().taskFiles(),
            ctx.spool().layout(),
            v -> router != null && router.ready(v.need()));
    this.running = running;
    this.runner =
        new AttemptRunner(
            ctx,
            router == null ? null : new LaneAttempts(router, laneStates(ctx), router.routing()));
    this.slotThreads = slotThreads;
    this.slots = new Semaphore(ctx.config().slots());
    this.ownClaims = new OwnClaimSweep(ctx, running);
  }

  private static LaneRouter lanes(WorkerContext ctx) {
    if (ctx.config().lanes().isEmpty()) {
      return null;
    }
    SpoolLayout layout = ctx.spool().layout();
    return new LaneRouter(
        new LaneRouter.Sources(
            ctx.config().lanes(),
            new RoutingCache(layout, ctx.nanoTicker()),
            laneStates(ctx),
            new QuotaSlots(layout, ctx.spool().files())),
        layout,
        ctx.clock(),
        ctx.nanoTicker());
  }

  private static LaneStates laneStates(WorkerContext ctx) {
    return new LaneStates(ctx.spool().layout(), ctx.spool().files());
  }

  /** Wakes the loop: a name was added or a slot was freed. */
  void wake() {
    lock.lock();
    try {
      signalled = true;
      woken.signalAll();
    } finally {
      lock.unlock();
    }
  }

  void requestRescan() {
    rescanRequested = true;
    wake();
  }

  /** Stops claiming for good (drain request, shutdown). Running tasks go on. */
  void drain() {
    if (!draining) {
      draining = true;
      log.info("worker_draining worker={}", ctx.identity().workerId());
    }
  }

  boolean draining() {
    return draining;
  }

  /** The lanes this worker offers now, for the heartbeat: the healthy ones. */
  java.util.List<String> offeredLanes() {
    return router == null ? java.util.List.of() : router.healthyLanes();
  }

  void stop() {
    stopped = true;
    if (router != null) {
      router.stopHealthChecks();
    }
    wake();
  }

  /** The loop body of the dispatcher thread; returns after {@link #stop}. */
  void loop() {
    MDC.put("worker", ctx.identity().workerId());
    nextRescan = ctx.nanoTicker().getAsLong();
    nextControlCheck = nextRescan;
    registerLanes();
    while (!stopped) {
      try {
        iteration();
      } catch (Throwable t) {
        log.error("dispatch_failed consequence=no claims for 1s; the next iteration retries", t);
        await(1_000_000_000L);
      }
    }
  }

  private void registerLanes() {
    if (router == null) {
      return;
    }
    router.startHealthChecks(ctx.identity().workerId());
    try {
      router.register(ctx.identity().workerId());
    } catch (IOException | RuntimeException e) {
      log.error(
          "lanes_not_registered consequence=spool lanes and the coordinator do not see this"
              + " worker's accounts; routing on this worker still works",
          e);
    }
  }

  private void iteration() throws IOException {
    if (router != null) {
      Routing r = router.routing().get();
      if (lastRouting != null && !r.equals(lastRouting)) {
        log.info("routing_changed consequence=pending tasks are judged again");
        index.forgetVerdicts();
      }
      lastRouting = r;
    }
    long now = ctx.nanoTicker().getAsLong();
    if (rescanRequested || now - nextRescan >= 0) {
      rescanRequested = false;
      scanner.rescan();
      long end = ctx.nanoTicker().getAsLong();
      // Start to start: a polling worker lists pending/ every interval, not every interval plus
      // the listing's own time, so a task waits half an interval on average, as configured.
      nextRescan = now + rescanPause(ctx.config().rescanInterval().toNanos(), end - now);
    }
    ownClaims.maybeSweep();
    if (now - nextControlCheck >= 0) {
      nextControlCheck = now + CONTROL_CHECK_NANOS;
      checkControl();
    }
    while (!draining && !stopped && slots.tryAcquire()) {
      boolean started = false;
      try {
        started = claimNext();
      } finally {
        if (!started) {
          slots.release(); // also when claiming failed with an exception: never leak a slot
        }
      }
      if (!started) {
        break;
      }
    }
    long untilRescan = nextRescan - ctx.nanoTicker().getAsLong();
    await(Math.max(1, Math.min(untilRescan, MAX_WAIT_NANOS)));
  }

  /**
   * The time from the start of one full listing of pending/ to the start of the next: the
   * configured interval, stretched so that listing takes at most 1/{@value #RESCAN_COST_FACTOR} of
   * this thread's time. A million pending names take about a second to list; rescanning them every
   * second would leave no time to claim. Watch events (and claims, which need no listing) keep
   * discovery fast meanwhile; in polling mode a new task waits longer behind a huge backlog, which
   * it would anyway. Capped at a minute.
   */
  static long rescanPause(long intervalNanos, long lastRescanNanos) {
    return Math.max(
        intervalNanos, Math.min(MAX_RESCAN_PAUSE, RESCAN_COST_FACTOR * lastRescanNanos));
  }

  /** However slow a listing, the next one comes within a minute (polling mode relies on them). */
  static final long MAX_RESCAN_PAUSE = java.util.concurrent.TimeUnit.MINUTES.toNanos(1);

  static final int RESCAN_COST_FACTOR = 10;

  private void await(long nanos) {
    lock.lock();
    try {
      if (!signalled) {
        woken.awaitNanos(nanos);
      }
      signalled = false;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      stopped = true;
    } finally {
      lock.unlock();
    }
  }

  private void checkControl() throws IOException {
    SpoolLayout layout = ctx.spool().layout();
    Path drain = layout.drainRequest(ctx.identity().workerId());
    if (Files.exists(drain)) {
      drain();
      Files.deleteIfExists(drain);
    }
    for (RunningTasks.Running r : running.all()) {
      if (Files.exists(layout.cancelRequest(r.claim.id()))) {
        log.info("task_cancel_requested task={} attempt={}", r.claim.id(), r.claim.attempt());
        r.requestStop(StopReason.CANCEL);
      }
    }
  }

  /** Claims and starts one task with the slot the caller holds; false when none is claimable. */
  private boolean claimNext() throws IOException {
    WorkerConfig.Bulkhead b = ctx.config().bulkhead();
    int general = ctx.config().slots() - b.reservedSlots();
    // With the general slots busy with ordinary work, the free slot is a reserved one.
    int minPriority = running.countBelow(b.minPriority()) >= general ? b.minPriority() : 0;
    for (int tries = 0; tries < 1000 && !stopped; tries++) {
      Optional<String> pick = picker.pick(minPriority);
      if (pick.isEmpty()) {
        return false;
      }
      if (tryStart(pick.get())) {
        return true;
      }
    }
    return false;
  }

  /** Claims {@code name}; true when a task now runs in the held slot. */
  private boolean tryStart(String name) throws IOException {
    TaskName.Pending p = PendingIndex.parse(name);
    index.remove(name);
    Optional<TaskName.Claimed> claim;
    try {
      // The fsync of the claim is done on the slot thread before the launch (AttemptRunner), so
      // claims do not queue behind each other's fsyncs and concurrent slots share journal commits.
      claim =
          ctx.spool()
              .moves()
              .tryClaimUnsynced(p, ctx.identity().workerId(), ctx.identity().incarnation());
    } catch (IOException e) {
      claim = ownClaimAfterError(p, e);
    }
    claims.record(claim.isPresent());
    if (claim.isEmpty()) {
      log.debug("claim_lost task={} attempt={}", p.id(), p.attempt());
      return false;
    }
    TaskName.Claimed c = claim.get();
    CrashPoints.reach(CrashPoints.AFTER_CLAIM);
    Path file = ctx.spool().layout().path(c);
    Task task;
    try {
      byte[] bytes = ctx.spool().taskFiles().readBytes(file);
      Task decoded = picker.decoded(name, bytes);
      task = decoded != null ? decoded : ctx.spool().taskFiles().parse(file, bytes, c.id());
    } catch (NoSuchFileException e) {
      // Someone moved our fresh claim (an operator's requeue); it is theirs to account for.
      log.warn("claim_vanished task={} attempt={}", c.id(), c.attempt());
      return false;
    } catch (InvalidInputException e) {
      quarantine(file, e.getMessage());
      return false;
    }
    Verdict v = matcher.verdict(task, c.attempt());
    if (v.kind() == Verdict.Kind.QUARANTINE) {
      quarantine(file, v.reason());
      return false;
    }
    if (!v.runnable()) {
      // The file changed between the verdict and the claim; give it back untouched.
      log.warn("claim_returned task={} reason=not runnable here after re-reading", c.id());
      ctx.spool().moves().tryMove(c, p, Actor.WORKER);
      return false;
    }
    LaneChoice lane = null;
    if (v.need() != null) {
      Optional<LaneChoice> chosen;
      try {
        chosen = router.choose(v.need(), c.fileName());
      } catch (IOException | RuntimeException e) {
        // The lane state or a quota slot could not be read or written: give the task back
        // rather than leave a claim that nothing runs.
        ctx.spool().moves().tryMove(c, p, Actor.WORKER);
        throw e;
      }
      if (chosen.isEmpty()) {
        // Another worker took the last quota slot or the lane cooled down meanwhile.
        log.debug("claim_returned task={} reason=no lane usable now", c.id());
        ctx.spool().moves().tryMove(c, p, Actor.WORKER);
        return false;
      }
      lane = chosen.get();
    }
    RunningTasks.Running r = new RunningTasks.Running(c, p.priority(), ctx.clock().instant());
    running.add(r);
    if (lane != null) {
      log.info(
          "task_claimed task={} attempt={} priority={} lane={} account={}",
          c.id(),
          c.attempt(),
          p.priority(),
          lane.lane().name(),
          lane.account().name());
    } else {
      // One INFO line per plain task (task_finished) is enough for the journal; a line is a
      // write to stdout, a visible share of a trivial task's cost.
      log.debug("task_claimed task={} attempt={} priority={}", c.id(), c.attempt(), p.priority());
    }
    LaneChoice chosenLane = lane;
    try {
      slotThreads.execute(() -> runSlot(r, task, p, chosenLane));
    } catch (RuntimeException e) {
      running.remove(r);
      if (chosenLane != null) {
        router.release(chosenLane);
      }
      throw e;
    }
    return true;
  }

  /**
   * The claim when the claim rename took effect although it reported an I/O error (a lost reply
   * over NFS). The claim is then ours and visible: this worker runs it. Dropping it would strand
   * the task, since this worker keeps beating and nobody else recovers a live worker's claim. If
   * the rename did not take effect, the error is rethrown.
   */
  private Optional<TaskName.Claimed> ownClaimAfterError(TaskName.Pending p, IOException e)
      throws IOException {
    TaskName.Claimed mine =
        new TaskName.Claimed(
            p.id(), p.attempt(), ctx.identity().workerId(), ctx.identity().incarnation());
    if (!Files.exists(ctx.spool().layout().path(mine))) {
      throw e;
    }
    log.warn(
        "claim_rename_failed task={} attempt={} consequence=the claim took effect although the"
            + " rename reported an error; running it",
        p.id(),
        p.attempt(),
        e);
    return Optional.of(mine);
  }

  private void quarantine(Path claimFile, String reason) throws IOException {
    Path q = ctx.spool().quarantine().quarantine(claimFile, reason, ctx.detectedBy());
    log.warn("task_quarantined file={} to={} reason={}", claimFile.getFileName(), q, reason);
  }

  private void runSlot(
      RunningTasks.Running r, Task task, TaskName.Pending origin, LaneChoice lane) {
    MDC.put("worker", ctx.identity().workerId());
    MDC.put("task", r.claim.id());
    MDC.put("attempt", Integer.toString(r.claim.attempt()));
    try {
      runner.run(r, task, origin, lane);
    } catch (Throwable t) {
      log.error(
          "attempt_not_finished task={} attempt={} consequence=the task stays claimed; the"
              + " coordinator recovers it when this worker incarnation ends",
          r.claim.id(),
          r.claim.attempt(),
          t);
    } finally {
      running.remove(r);
      slots.release();
      MDC.clear();
      wake();
    }
  }

  /** Waits up to {@code millis} for the slots to be idle; true when no task runs. */
  boolean awaitIdle(long millis) throws InterruptedException {
    long deadline = ctx.nanoTicker().getAsLong() + TimeUnit.MILLISECONDS.toNanos(millis);
    while (running.size() > 0) {
      if (ctx.nanoTicker().getAsLong() - deadline >= 0) {
        return false;
      }
      TimeUnit.MILLISECONDS.sleep(20);
    }
    return true;
  }
}
