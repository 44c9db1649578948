package dev.spool.worker.heartbeat;

import dev.spool.protocol.fs.AtomicFiles;
import dev.spool.protocol.heartbeat.FinishedTask;
import dev.spool.protocol.heartbeat.Heartbeat;
import dev.spool.protocol.heartbeat.RunningTask;
import dev.spool.protocol.json.SpoolJson;
import dev.spool.protocol.spool.SpoolLayout;
import dev.spool.worker.publish.FinishLog;
import java.io.IOException;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;

/**
 * Rewrites {@code heartbeats/<worker>.json} atomically at a fixed pace on its own scheduler thread,
 * so a worker busy running tasks, copying output or killing trees keeps its pace. Each write
 * carries a larger {@code seq}; observers judge liveness only by seq changes. The last write (on
 * {@link #stop}) says {@code stopped=true}. Thread-safe.
 */
public final class HeartbeatWriter {
  private static final Logger log = LoggerFactory.getLogger(HeartbeatWriter.class);

  /** The worker state a heartbeat reports; called on the heartbeat thread. */
  public interface Source {
    int slotsUsed();

    List<RunningTask> running();

    boolean draining();

    /** Resident memory of all running task processes, or null when unknown. */
    Long tasksRssBytes();

    /** The AI-CLI lanes the worker offers now (healthy ones); empty without lanes. */
    default List<String> lanes() {
      return List.of();
    }

    /** Claim renames this incarnation attempted. */
    default long claimsTotal() {
      return 0;
    }

    /** Claim renames that found the task already taken by another claimer. */
    default long claimsLostTotal() {
      return 0;
    }
  }

  /** What stays the same for the worker's whole life. */
  public record Identity(
      String workerId,
      long incarnation,
      String host,
      String version,
      Instant startedAt,
      int slotsTotal,
      List<String> capabilities,
      List<String> types) {}

  private final Path target;
  private final AtomicFiles files;
  private final Clock clock;
  private final Identity id;
  private final Source source;
  private final FinishLog finishes;
  private final AtomicLong seq = new AtomicLong();
  private List<FinishedTask> pendingFinished = List.of();
  private final ScheduledExecutorService scheduler;

  public HeartbeatWriter(
      SpoolLayout layout, AtomicFiles files, Clock clock, Identity id, Source source) {
    this(layout, files, clock, id, source, new FinishLog());
  }

  /**
   * @param finishes drained into each heartbeat's {@code finished} list and totals
   */
  public HeartbeatWriter(
      SpoolLayout layout,
      AtomicFiles files,
      Clock clock,
      Identity id,
      Source source,
      FinishLog finishes) {
    this.finishes = finishes;
    this.target = layout.heartbeat(id.workerId());
    this.files = files;
    this.clock = clock;
    this.id = id;
    this.source = source;
    this.scheduler =
        Executors.newSingleThreadScheduledExecutor(
            r -> {
              Thread t = new Thread(r, "spool-heartbeat-" + id.workerId());
              t.setDaemon(true);
              return t;
            });
  }

  /** Writes one heartbeat now and then every {@code interval}. */
  public void start(Duration interval) throws IOException {
    try {
      write(false);
    } catch (NoSuchFileException e) {
      // Over NFS a rename whose reply was lost reports ENOENT after it took effect: the start-up
      // must not fail on that; a second heartbeat settles it either way.
      log.warn("first_heartbeat_unconfirmed file={} consequence=writing it again", target, e);
      write(false);
    }
    long ms = interval.toMillis();
    scheduler.scheduleAtFixedRate(this::beat, ms, ms, TimeUnit.MILLISECONDS);
  }

  private void beat() {
    MDC.put("worker", id.workerId());
    try {
      write(false);
    } catch (Throwable t) {
      log.error(
          "heartbeat_failed file={} consequence=observers may declare this worker dead if this"
              + " persists; retrying at the next beat",
          target,
          t);
    }
  }

  /** The sequence number of the last heartbeat written. */
  public long seq() {
    return seq.get();
  }

  /** Stops the schedule and writes the final heartbeat with {@code stopped=true}. */
  public void stop() throws IOException {
    scheduler.shutdown();
    try {
      scheduler.awaitTermination(5, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    write(true);
  }

  private synchronized void write(boolean stopped) throws IOException {
    // A heartbeat that fails to be written keeps its finished list for the next one.
    List<FinishedTask> drained = finishes.drain();
    if (!drained.isEmpty()) {
      List<FinishedTask> merged = new java.util.ArrayList<>(pendingFinished);
      merged.addAll(drained);
      int from = Math.max(0, merged.size() - Heartbeat.MAX_FINISHED);
      pendingFinished = List.copyOf(merged.subList(from, merged.size()));
    }
    Runtime rt = Runtime.getRuntime();
    Heartbeat hb =
        new Heartbeat(
            null,
            id.workerId(),
            id.incarnation(),
            id.host(),
            ProcessHandle.current().pid(),
            id.version(),
            id.startedAt(),
            seq.get() + 1,
            clock.instant(),
            source.slotsUsed(),
            id.slotsTotal(),
            id.capabilities(),
            id.types(),
            source.lanes(),
            source.draining() || stopped,
            stopped,
            rt.totalMemory() - rt.freeMemory(),
            rt.maxMemory(),
            source.tasksRssBytes(),
            source.running(),
            finishes.succeeded(),
            finishes.failed(),
            pendingFinished,
            source.claimsTotal(),
            source.claimsLostTotal());
    files.replace(target, SpoolJson.writePretty(hb));
    seq.incrementAndGet();
    pendingFinished = List.of();
  }
}
