package dev.spool.worker;

import dev.spool.protocol.fs.AtomicFiles;
import dev.spool.protocol.fs.FileOps;
import dev.spool.protocol.spool.Quarantine;
import dev.spool.protocol.spool.SpoolLayout;
import dev.spool.protocol.spool.TaskFiles;
import dev.spool.protocol.spool.TaskMoves;
import dev.spool.protocol.spool.TaskState;
import dev.spool.worker.config.HostNames;
import dev.spool.worker.config.WorkerConfig;
import dev.spool.worker.discovery.PendingIndex;
import dev.spool.worker.discovery.PendingWatcher;
import dev.spool.worker.exec.LaunchMechanism;
import dev.spool.worker.exec.StopReason;
import dev.spool.worker.heartbeat.HeartbeatWriter;
import dev.spool.worker.publish.AttemptFinisher;
import dev.spool.worker.publish.DeferredDirSync;
import dev.spool.worker.publish.FinishLog;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A worker daemon: discovers pending tasks (watch events plus periodic rescans), claims them while
 * it has free slots, runs each as a subprocess, publishes results, and heartbeats. Usable from the
 * {@code spool worker} command and in-process (the CLI's embedded {@code spool run} starts
 * several).
 *
 * <p>Lifecycle: {@link #start} checks the spool and the worker's identity (refusing with a {@link
 * StartupException} that names the problem), hands back the claims of a dead predecessor, then
 * starts its threads. {@link #close} shuts down in order, each step bounded: stop claiming, let
 * running tasks finish up to {@code drain_timeout}, hand back the rest (stop their trees, publish
 * {@code handed_back}, requeue with the next attempt), write the final heartbeat ({@code
 * stopped=true}). A crash (SIGKILL) loses nothing: claims stay in claimed/ and the coordinator or
 * the next incarnation recovers them.
 *
 * <p>Thread-safe; {@code start} and {@code close} may be called once each ({@code close} is
 * idempotent).
 */
public final class Worker implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(Worker.class);
  static final String VERSION = "0.1.0";
  private static final AtomicInteger THREADS = new AtomicInteger();

  private final WorkerConfig config;
  private final Clock clock;
  private final LongSupplier nanoTicker;
  private final Map<String, String> environment;
  private final FileOps ops;
  private final RunningTasks running = new RunningTasks();
  private final CountDownLatch closed = new CountDownLatch(1);
  private DeferredDirSync dirSync;
  private WorkerContext ctx;
  private final FinishLog finishes = new FinishLog();
  private final ClaimCounts claims = new ClaimCounts();
  private HeartbeatWriter heartbeat;
  private Dispatcher dispatcher;
  private PendingWatcher watcher;
  private ExecutorService slotThreads;
  private Thread dispatchThread;
  private boolean started;
  private boolean closing;

  /** A worker on the system clock and environment. */
  public Worker(WorkerConfig config) {
    this(config, Clock.systemUTC(), System::nanoTime, System.getenv(), FileOps.real());
  }

  /** A worker on injected time, environment and file operations (tests inject faults). */
  Worker(
      WorkerConfig config,
      Clock clock,
      LongSupplier nanoTicker,
      Map<String, String> environment,
      FileOps ops) {
    this.ops = CrashPoints.wrap(ops);
    this.config = config;
    this.clock = clock;
    this.nanoTicker = nanoTicker;
    this.environment = Map.copyOf(environment);
  }

  /**
   * Checks, recovers and starts the worker's threads; returns once it runs.
   *
   * @throws StartupException naming why the worker must not run
   */
  public synchronized void start() throws StartupException {
    if (started) {
      throw new IllegalStateException("worker " + config.workerId() + " was already started");
    }
    started = true;
    // Before anything in this JVM starts a process (the JDK reads the setting once).
    Optional<String> launch = LaunchMechanism.prefer();
    String host = HostNames.hostName();
    StartupCheck.Start s = StartupCheck.run(config, host, nanoTicker);
    ctx = context(s.layout(), new WorkerContext.Identity(config.workerId(), s.incarnation(), host));
    try {
      Path scratch = AttemptRunner.scratchRoot(ctx);
      AttemptRunner.deleteTree(scratch); // debris of a crashed predecessor
      Files.createDirectories(scratch);
      if (s.predecessorGone()) {
        int n = new ClaimRecovery(ctx).recover();
        log.info("predecessor_claims_recovered worker={} count={}", config.workerId(), n);
      }
      CodecWarmup.run(config.workerId(), host);
      heartbeat =
          new HeartbeatWriter(
              s.layout(), ctx.spool().files(), clock, identity(), source(), finishes);
      heartbeat.start(config.heartbeatInterval());
    } catch (IOException e) {
      throw new StartupException("refusing to start: " + e, e);
    }
    startThreads(s.layout());
    log.info(
        "worker_started worker={} incarnation={} slots={} spool={} launch_mechanism={}",
        config.workerId(),
        s.incarnation(),
        config.slots(),
        s.layout().root(),
        launch.orElse("default"));
  }

  private void startThreads(SpoolLayout layout) {
    int n = THREADS.incrementAndGet();
    slotThreads =
        Executors.newFixedThreadPool(
            config.slots(),
            r -> {
              Thread t = new Thread(r, "spool-slot-" + config.workerId() + "-" + n);
              t.setDaemon(true);
              return t;
            });
    PendingIndex index = new PendingIndex();
    dispatcher = new Dispatcher(ctx, index, running, slotThreads, claims);
    dispatchThread = new Thread(dispatcher::loop, "spool-dispatch-" + config.workerId());
    dispatchThread.setDaemon(true);
    // The watch is registered before the dispatcher's first listing: a task that lands between
    // the two is then seen by one or the other. The other way round, a task dropped right after
    // the first listing waited a whole rescan interval for the second.
    if (config.watch()) {
      watcher =
          new PendingWatcher(
              layout.dir(TaskState.PENDING), index, dispatcher::wake, dispatcher::requestRescan);
      watcher.start();
    }
    dispatchThread.start();
  }

  private WorkerContext context(SpoolLayout layout, WorkerContext.Identity identity) {
    AtomicFiles files = new AtomicFiles(ops, layout.tmp(), true);
    TaskMoves moves = new TaskMoves(layout, files);
    AttemptFinisher finisher = new AttemptFinisher(layout, files, moves, clock, finishes);
    dirSync = new DeferredDirSync(files, config.workerId(), DeferredDirSync.WORKER_LINGER);
    finisher.deferDirSyncs(dirSync);
    WorkerContext.Spool spool =
        new WorkerContext.Spool(
            layout,
            files,
            moves,
            new TaskFiles(layout),
            new Quarantine(layout, files, clock),
            finisher);
    return new WorkerContext(config, spool, clock, nanoTicker, identity, environment);
  }

  private HeartbeatWriter.Identity identity() {
    return new HeartbeatWriter.Identity(
        config.workerId(),
        ctx.identity().incarnation(),
        ctx.identity().host(),
        VERSION,
        clock.instant(),
        config.slots(),
        config.capabilities(),
        List.copyOf(config.types().keySet()));
  }

  private HeartbeatWriter.Source source() {
    return running.heartbeatSource(
        () -> {
          Dispatcher d = dispatcher;
          return d != null && d.draining();
        },
        () -> {
          Dispatcher d = dispatcher;
          return d == null ? List.of() : d.offeredLanes();
        },
        claims);
  }

  /** Stops claiming new tasks; running tasks finish. Same as a drain request. */
  public void drain() {
    Dispatcher d = dispatcher;
    if (d != null) {
      d.drain();
    }
  }

  /**
   * Graceful shutdown; see the class comment for the order and bounds. Idempotent; returns when the
   * final heartbeat is written. Preserves the caller's interrupt flag.
   */
  @Override
  public void close() {
    synchronized (this) {
      if (!started || closing) {
        awaitClosedQuietly();
        return;
      }
      closing = true;
    }
    boolean interrupted = false;
    try {
      shutdown();
    } catch (InterruptedException e) {
      interrupted = true;
    } finally {
      closed.countDown();
      if (interrupted) {
        Thread.currentThread().interrupt();
      }
    }
  }

  private void shutdown() throws InterruptedException {
    if (dispatcher == null) {
      if (dirSync != null) {
        dirSync.close();
      }
      return; // start() failed before the threads ran
    }
    log.info("worker_stopping worker={} running={}", config.workerId(), running.size());
    dispatcher.drain();
    if (watcher != null) {
      watcher.close();
    }
    // The dispatcher keeps acting on cancel requests while running tasks drain.
    if (!dispatcher.awaitIdle(config.drainTimeout().toMillis())) {
      handBackAll();
    }
    dispatcher.stop();
    dispatchThread.join(5_000);
    if (running.size() > 0) {
      handBackAll(); // a claim that was in flight when draining began
    }
    slotThreads.shutdown();
    dirSync.close();
    try {
      heartbeat.stop();
    } catch (IOException e) {
      log.error(
          "final_heartbeat_failed worker={} consequence=observers see the worker stop beating"
              + " and recover its (now empty) claims after dead_after",
          config.workerId(),
          e);
    }
    log.info("worker_stopped worker={}", config.workerId());
  }

  private void handBackAll() throws InterruptedException {
    for (RunningTasks.Running r : running.all()) {
      log.info("task_handing_back task={} attempt={}", r.claim.id(), r.claim.attempt());
      r.requestStop(StopReason.HAND_BACK);
    }
    long bound = config.killGrace().toMillis() + 5_000;
    if (!dispatcher.awaitIdle(bound)) {
      log.error(
          "shutdown_tasks_left worker={} count={} consequence=their claims stay; the next"
              + " incarnation or the coordinator recovers them",
          config.workerId(),
          running.size());
    }
  }

  /** Waits until {@link #close} has finished. */
  public void awaitClosed() throws InterruptedException {
    closed.await();
  }

  private void awaitClosedQuietly() {
    if (!started) {
      return;
    }
    try {
      closed.await();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /** Registers a JVM shutdown hook that calls {@link #close}. */
  public void installShutdownHook() {
    Runtime.getRuntime()
        .addShutdownHook(new Thread(this::close, "spool-shutdown-" + config.workerId()));
  }

  public WorkerConfig config() {
    return config;
  }

  /** This run's incarnation (valid after {@link #start}). */
  public long incarnation() {
    return ctx.identity().incarnation();
  }

  /** The seq of the last heartbeat written (0 before start). */
  public long heartbeatSeq() {
    HeartbeatWriter h = heartbeat;
    return h == null ? 0 : h.seq();
  }

  /** How many attempts run now. */
  public int runningCount() {
    return running.size();
  }
}
