package dev.spool.coordinator.hooks;

import dev.spool.protocol.json.SpoolJson;
import java.io.IOException;
import java.io.OutputStream;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs the configured hooks of an event on one background thread, each with its time bound: the
 * process tree is killed when it overruns. The coordinator loop only enqueues; a full queue (100
 * events) drops the event with a warning, so a slow or failing hook never blocks the queue. Hook
 * output is discarded (hooks that want logs write their own). Thread-safe.
 */
public final class HookRunner implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(HookRunner.class);

  private final List<HookConfig> hooks;
  private final ThreadPoolExecutor executor;

  public HookRunner(List<HookConfig> hooks) {
    this.hooks = List.copyOf(hooks);
    this.executor =
        new ThreadPoolExecutor(
            1,
            1,
            0,
            TimeUnit.SECONDS,
            new ArrayBlockingQueue<>(100),
            r -> {
              Thread t = new Thread(r, "spool-hooks");
              t.setDaemon(true);
              return t;
            });
  }

  /** True when some hook listens to {@code event} (so callers skip work nobody wants). */
  public boolean wants(String event) {
    return hooks.stream().anyMatch(h -> h.on().equals(event));
  }

  /** Enqueues every hook that matches {@code event}; never blocks. */
  public void fire(HookEvent event) {
    for (HookConfig h : hooks) {
      if (!h.matches(event)) {
        continue;
      }
      try {
        executor.execute(() -> run(h, event));
      } catch (RejectedExecutionException e) {
        log.warn(
            "hook_dropped event={} task={} command={} reason=queue full or closed",
            event.event(),
            event.taskId(),
            h.argv().get(0));
      }
    }
  }

  private static void run(HookConfig h, HookEvent event) {
    long start = System.nanoTime();
    Process p = null;
    try {
      p =
          new ProcessBuilder(h.argv())
              .redirectOutput(ProcessBuilder.Redirect.DISCARD)
              .redirectError(ProcessBuilder.Redirect.DISCARD)
              .start();
      try (OutputStream in = p.getOutputStream()) {
        in.write(SpoolJson.write(event));
      } catch (IOException e) {
        log.debug("hook_stdin_closed command={}", h.argv().get(0));
      }
      if (!p.waitFor(h.timeout().toMillis(), TimeUnit.MILLISECONDS)) {
        kill(p);
        log.warn(
            "hook_timed_out event={} task={} command={} timeout_ms={} consequence=killed",
            event.event(),
            event.taskId(),
            h.argv(),
            h.timeout().toMillis());
        return;
      }
      if (p.exitValue() != 0) {
        log.warn(
            "hook_failed event={} task={} command={} exit_code={} duration_ms={}",
            event.event(),
            event.taskId(),
            h.argv(),
            p.exitValue(),
            (System.nanoTime() - start) / 1_000_000);
      }
    } catch (IOException e) {
      log.warn(
          "hook_not_started event={} command={} reason={}",
          event.event(),
          h.argv(),
          e.getMessage());
    } catch (InterruptedException e) {
      if (p != null) {
        kill(p);
      }
      Thread.currentThread().interrupt();
    }
  }

  /** Kills the whole tree: descendants are listed before the parent dies and reparents them. */
  private static void kill(Process p) {
    List<ProcessHandle> tree = p.descendants().collect(Collectors.toList());
    p.destroyForcibly();
    tree.forEach(ProcessHandle::destroyForcibly);
  }

  /** Stops taking events; waits up to {@code 2 s} for the running hook. */
  @Override
  public void close() {
    executor.shutdownNow();
    try {
      executor.awaitTermination(2, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
