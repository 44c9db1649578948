package dev.spool.worker;

import dev.spool.protocol.InvalidInputException;
import dev.spool.protocol.fs.SafeFiles;
import dev.spool.protocol.heartbeat.Heartbeat;
import dev.spool.protocol.json.SpoolJson;
import dev.spool.protocol.spool.SpoolFormatException;
import dev.spool.protocol.spool.SpoolLayout;
import dev.spool.protocol.spool.TaskName;
import dev.spool.protocol.spool.TaskState;
import dev.spool.worker.config.WorkerConfig;
import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Optional;
import java.util.concurrent.locks.LockSupport;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The checks before a worker starts, and its incarnation. Refuses, naming the problem, when the
 * spool is missing or of an unknown version, when tmp/ and the state directories are on different
 * file systems, or when a worker with the same id is alive: its pid is alive on this host, or
 * (another host, or the same JVM) its heartbeat seq advances during a bounded watch on our own
 * monotonic clock. A heartbeat with {@code stopped=true} is a clean predecessor.
 *
 * <p>The incarnation is one more than the larger of the predecessor heartbeat's incarnation and any
 * incarnation in this worker's claim names, so a claim name is never reused.
 */
final class StartupCheck {
  private static final Logger log = LoggerFactory.getLogger(StartupCheck.class);

  /**
   * The outcome of the checks.
   *
   * @param predecessorGone true when the predecessor is known dead or stopped, so its claims may be
   *     handed back at once
   */
  record Start(SpoolLayout layout, long incarnation, boolean predecessorGone) {}

  private StartupCheck() {}

  static Start run(WorkerConfig config, String host, LongSupplier nanoTicker)
      throws StartupException {
    SpoolLayout layout;
    try {
      layout = SpoolLayout.open(config.spool());
      Optional<String> otherFs = layout.checkOneFileSystem();
      if (otherFs.isPresent()) {
        throw new StartupException("refusing to start: " + otherFs.get());
      }
    } catch (SpoolFormatException e) {
      throw new StartupException("refusing to start: " + e.getMessage(), e);
    } catch (IOException e) {
      throw new StartupException(
          "refusing to start: cannot open spool " + config.spool() + ": " + e, e);
    }
    Optional<Heartbeat> previous = readHeartbeat(layout, config.workerId());
    boolean gone =
        previous.isPresent() && checkNotAlive(layout, config, previous.get(), host, nanoTicker);
    long maxInc = previous.map(Heartbeat::incarnation).orElse(0L);
    maxInc = Math.max(maxInc, maxClaimIncarnation(layout, config.workerId()));
    return new Start(layout, maxInc + 1, gone);
  }

  /** Throws if the predecessor lives; returns true when it is known gone (dead pid or stopped). */
  private static boolean checkNotAlive(
      SpoolLayout layout, WorkerConfig config, Heartbeat hb, String host, LongSupplier ticker)
      throws StartupException {
    if (hb.stopped()) {
      return true;
    }
    long self = ProcessHandle.current().pid();
    if (host.equals(hb.host()) && hb.pid() != null && hb.pid() != self) {
      Optional<ProcessHandle> p = ProcessHandle.of(hb.pid());
      if (p.isPresent() && p.get().isAlive() && !startedAfter(p.get(), hb)) {
        throw new StartupException(
            "refusing to start: worker "
                + config.workerId()
                + " is already running on this host (pid "
                + hb.pid()
                + "); stop it or choose another --id");
      }
      log.info(
          "predecessor_dead worker={} incarnation={} pid={}",
          config.workerId(),
          hb.incarnation(),
          hb.pid());
      return true;
    }
    watchSeq(layout, config, hb, ticker);
    return false;
  }

  /**
   * True when the process started after the heartbeat's worker did: the pid was reused by another
   * program after the predecessor died (same host, so the same clock).
   */
  private static boolean startedAfter(ProcessHandle p, Heartbeat hb) {
    return hb.startedAt() != null
        && p.info().startInstant().map(s -> s.isAfter(hb.startedAt().plusSeconds(1))).orElse(false);
  }

  private static void watchSeq(
      SpoolLayout layout, WorkerConfig config, Heartbeat hb, LongSupplier ticker)
      throws StartupException {
    long deadline = ticker.getAsLong() + config.livenessCheck().toNanos();
    while (ticker.getAsLong() - deadline < 0) {
      LockSupport.parkNanos(100_000_000L);
      Optional<Heartbeat> now = readHeartbeat(layout, config.workerId());
      if (now.isPresent() && !now.get().seq().equals(hb.seq())) {
        throw new StartupException(
            "refusing to start: worker "
                + config.workerId()
                + " is alive on host "
                + now.get().host()
                + " (its heartbeat seq moved from "
                + hb.seq()
                + " to "
                + now.get().seq()
                + "); choose another --id");
      }
    }
  }

  private static Optional<Heartbeat> readHeartbeat(SpoolLayout layout, String worker) {
    Path file = layout.heartbeat(worker);
    try {
      if (SafeFiles.unsafeReason(file, SpoolJson.MAX_DOCUMENT_BYTES).isPresent()) {
        return Optional.empty();
      }
      byte[] bytes = SafeFiles.readBounded(file, SpoolJson.MAX_DOCUMENT_BYTES);
      return Optional.of(SpoolJson.read(layout.relative(file), bytes, Heartbeat.class));
    } catch (NoSuchFileException e) {
      return Optional.empty();
    } catch (IOException | InvalidInputException e) {
      log.warn("heartbeat_unreadable file={} consequence=treated as absent", file, e);
      return Optional.empty();
    }
  }

  private static long maxClaimIncarnation(SpoolLayout layout, String worker)
      throws StartupException {
    long max = 0;
    try (DirectoryStream<Path> claims = Files.newDirectoryStream(layout.dir(TaskState.CLAIMED))) {
      for (Path p : claims) {
        Optional<TaskName> n = TaskName.parse(TaskState.CLAIMED, p.getFileName().toString());
        if (n.isPresent() && ((TaskName.Claimed) n.get()).worker().equals(worker)) {
          max = Math.max(max, ((TaskName.Claimed) n.get()).incarnation());
        }
      }
    } catch (IOException e) {
      throw new StartupException("refusing to start: cannot list claimed/: " + e, e);
    }
    return max;
  }
}
