package dev.spool.worker.exec;

import dev.spool.protocol.result.Outcome;
import dev.spool.worker.CrashPoints;
import java.io.File;
import java.io.IOException;
import java.io.OutputStream;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs one process to its end under the limits of a {@link LaunchSpec}: argv executed directly
 * (never through a shell), output copied by {@link CappedOutput} threads, the process tree
 * snapshotted while it runs, and on a hard timeout, idle-output timeout or stop request the whole
 * tree stopped ({@link ProcessTree#stop}). After the root exits any member left behind is stopped
 * too, and the worker stops waiting for output pipes a stray process might still hold.
 *
 * <p>{@link #run} blocks the calling thread; {@link #requestStop} and the progress getters may be
 * called from any thread.
 */
public final class ProcessRun {
  private static final Logger log = LoggerFactory.getLogger(ProcessRun.class);
  private static final long POLL_MILLIS = 50;
  private static final Duration PIPE_WAIT = Duration.ofSeconds(1);
  private static final Duration CANCEL_GRACE = Duration.ofSeconds(1);

  private final LaunchSpec spec;
  private final Clock clock;
  private final LongSupplier nanoTicker;
  private volatile StopReason stopRequest;
  private volatile CappedOutput stdout;
  private volatile CappedOutput stderr;
  private volatile ProcessTree tree;

  public ProcessRun(LaunchSpec spec, Clock clock, LongSupplier nanoTicker) {
    this.spec = spec;
    this.clock = clock;
    this.nanoTicker = nanoTicker;
  }

  /** Asks the run to stop its tree; the first reason wins. Returns at once. */
  public void requestStop(StopReason reason) {
    if (stopRequest == null) {
      stopRequest = reason;
    }
  }

  /** Bytes of output so far (both streams, counting what the cap cut). */
  public long outputBytes() {
    CappedOutput o = stdout;
    CappedOutput e = stderr;
    return (o == null ? 0 : o.bytes()) + (e == null ? 0 : e.bytes());
  }

  /** Wall time of the last output on either stream, or null before any. */
  public Instant lastOutputAt() {
    CappedOutput o = stdout;
    CappedOutput e = stderr;
    Instant a = o == null ? null : o.lastOutputAt();
    Instant b = e == null ? null : e.lastOutputAt();
    if (a == null) {
      return b;
    }
    return b == null || a.isAfter(b) ? a : b;
  }

  /** Pids of the live processes of this run (empty before start and after the end). */
  public List<Long> pids() {
    ProcessTree t = tree;
    return t == null ? List.of() : t.pids();
  }

  /**
   * A program that does not exist (ENOENT) or may not be executed (EACCES) will not start on a
   * retry either: such a launch failure is fatal, and the coordinator sends the task to dead/ at
   * once. Anything else (out of processes, out of memory) may pass.
   */
  static boolean isPermanent(Exception e) {
    String m = String.valueOf(e.getMessage());
    return m.contains("error=2,") || m.contains("error=13,");
  }

  /** Starts the process and blocks until it and its tree have ended. */
  public RunResult run() {
    Instant started = clock.instant();
    long t0 = nanoTicker.getAsLong();
    Process p;
    try {
      p = builder().start();
    } catch (IOException | RuntimeException e) {
      String msg =
          "cannot start " + spec.argv().get(0) + " in " + spec.cwd() + ": " + e.getMessage();
      return finish(new Outcome.LaunchFailed(msg, isPermanent(e)), started, t0, msg);
    }
    tree = new ProcessTree(p.toHandle(), spec.token(), nanoTicker);
    CrashPoints.reach(CrashPoints.AFTER_PROCESS_START);
    stdout = capture(p, true);
    stderr = capture(p, false);
    feedStdin(p);
    Outcome stopped;
    try {
      stopped = supervise(p, t0);
      Duration grace = stopped == null ? spec.limits().killGrace() : null;
      if (grace != null && !tree.alive().isEmpty()) {
        log.info("task_leftovers_stopped argv0={} pid={}", spec.argv().get(0), p.pid());
        tree.stop(grace);
      }
      awaitPipes(p);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      stopQuietly();
      stopped = new Outcome.HandedBack("the worker thread was interrupted");
    }
    if (stopped != null) {
      return finish(stopped, started, t0, describe(stopped, p, t0));
    }
    int code = p.exitValue();
    Outcome o = code == 0 ? new Outcome.Succeeded() : new Outcome.Failed(code, null);
    return finish(o, started, t0, describe(o, p, t0));
  }

  private ProcessBuilder builder() {
    ProcessBuilder pb = new ProcessBuilder(spec.argv());
    pb.directory(spec.cwd().toFile());
    pb.environment().clear();
    pb.environment().putAll(spec.env());
    pb.environment().put(ProcessTree.TOKEN_VARIABLE, spec.token());
    if (spec.stdin() == null) {
      pb.redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")));
    }
    return pb;
  }

  private CappedOutput capture(Process p, boolean out) {
    CappedOutput c =
        new CappedOutput(
            out ? p.getInputStream() : p.getErrorStream(),
            out ? spec.output().stdout() : spec.output().stderr(),
            spec.output().capBytes(),
            clock,
            nanoTicker);
    c.start();
    return c;
  }

  private void feedStdin(Process p) {
    byte[] data = spec.stdin();
    if (data == null) {
      return;
    }
    Thread t =
        new Thread(
            () -> {
              try (OutputStream in = p.getOutputStream()) {
                in.write(data);
              } catch (IOException e) {
                // The process closed its stdin or exited before reading it all: its choice.
                log.debug("stdin_not_consumed pid={} reason={}", p.pid(), e.toString());
              }
            },
            "spool-stdin-" + p.pid());
    t.setDaemon(true);
    t.start();
  }

  /** Polls until the root exits or a limit fires; returns the stop outcome, or null on exit. */
  private Outcome supervise(Process p, long t0) throws InterruptedException {
    long timeout = spec.limits().timeout().toNanos();
    long idle = spec.limits().idleTimeout().toNanos();
    while (!p.waitFor(POLL_MILLIS, TimeUnit.MILLISECONDS)) {
      tree.snapshot();
      long now = nanoTicker.getAsLong();
      long lastOutput = Math.max(stdout.lastOutputNanos(), stderr.lastOutputNanos());
      Outcome o = null;
      Duration grace = spec.limits().killGrace();
      StopReason r = stopRequest;
      if (r == StopReason.CANCEL) {
        o = new Outcome.Cancelled("cancelled by request");
        grace = grace.compareTo(CANCEL_GRACE) < 0 ? grace : CANCEL_GRACE;
      } else if (r == StopReason.HAND_BACK) {
        o = new Outcome.HandedBack("worker shutting down");
      } else if (now - t0 >= timeout) {
        o = new Outcome.TimedOut(spec.limits().timeout());
      } else if (now - lastOutput >= idle) {
        o = new Outcome.IdleTimedOut(spec.limits().idleTimeout());
      }
      if (o != null) {
        tree.stop(grace);
        p.waitFor(POLL_MILLIS, TimeUnit.MILLISECONDS);
        return o;
      }
    }
    return null;
  }

  private void awaitPipes(Process p) throws InterruptedException {
    if (stdout.awaitEnd(PIPE_WAIT) & stderr.awaitEnd(PIPE_WAIT)) {
      return;
    }
    // A process outside our reach (it scrubbed its environment and detached) holds a pipe.
    // Closing our end cannot wake a blocked read on Linux, so the copy threads (daemons) are
    // abandoned; the result reports what was captured so far.
    log.warn(
        "task_output_pipe_held argv0={} pid={} consequence=output after this point is not"
            + " captured",
        spec.argv().get(0),
        p.pid());
    closeQuietly(p);
  }

  private static void closeQuietly(Process p) {
    try {
      p.getInputStream().close();
      p.getErrorStream().close();
    } catch (IOException e) {
      log.debug("pipe_close_failed pid={} reason={}", p.pid(), e.toString());
    }
  }

  private void stopQuietly() {
    try {
      tree.stop(Duration.ZERO);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private RunResult finish(Outcome o, Instant started, long t0, String message) {
    CappedOutput out = stdout;
    CappedOutput err = stderr;
    return new RunResult(
        o,
        started,
        clock.instant(),
        Duration.ofNanos(nanoTicker.getAsLong() - t0),
        out == null ? 0 : out.bytes(),
        out != null && out.truncated(),
        err == null ? 0 : err.bytes(),
        err != null && err.truncated(),
        message);
  }

  private String describe(Outcome o, Process p, long t0) {
    Duration d = Duration.ofNanos(nanoTicker.getAsLong() - t0);
    StringBuilder sb =
        new StringBuilder(o.kind().code())
            .append(": ")
            .append(spec.argv().get(0))
            .append(" in ")
            .append(spec.cwd())
            .append(" pid ")
            .append(p.pid())
            .append(" after ")
            .append(d.toMillis())
            .append(" ms");
    if (o instanceof Outcome.Failed f) {
      sb.append(", exit ").append(f.exitCode());
      String tail = tail();
      if (!tail.isEmpty()) {
        sb.append(", stderr ends: ").append(tail);
      }
    }
    return sb.toString();
  }

  private String tail() {
    try (RandomAccessFile f = new RandomAccessFile(spec.output().stderr().toFile(), "r")) {
      long len = f.length();
      int n = (int) Math.min(len, 400);
      byte[] b = new byte[n];
      f.seek(len - n);
      f.readFully(b);
      return new String(b, StandardCharsets.UTF_8).strip();
    } catch (IOException e) {
      return "";
    }
  }
}
