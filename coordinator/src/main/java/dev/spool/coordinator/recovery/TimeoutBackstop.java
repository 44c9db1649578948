package dev.spool.coordinator.recovery;

import dev.spool.coordinator.decision.TaskReader;
import dev.spool.protocol.control.ControlRequest;
import dev.spool.protocol.fs.AtomicFiles;
import dev.spool.protocol.json.SpoolJson;
import dev.spool.protocol.spool.TaskName;
import dev.spool.protocol.task.Task;
import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Backstops the worker's hard timeout: a claim of a live worker that this coordinator has watched
 * for longer than the task's {@code timeout} plus {@code grace} (on the coordinator's monotonic
 * clock, from the first pass that saw the claim, so never earlier than the worker's own timeout)
 * gets a cancel request, which the worker acts on. The request is published if absent, so asking
 * twice is harmless and needs no WAL record; it does not change the task's state by itself.
 *
 * <p>Memory follows the number of claims. Not thread-safe.
 */
public final class TimeoutBackstop {
  private static final Logger log = LoggerFactory.getLogger(TimeoutBackstop.class);

  private final TaskReader tasks;
  private final AtomicFiles files;
  private final Duration grace;
  private final LongSupplier ticker;
  private final Clock clock;
  private final Map<TaskName.Claimed, Watch> watched = new HashMap<>();

  private record Watch(long sinceNanos, Optional<Duration> timeout) {}

  public TimeoutBackstop(
      TaskReader tasks, AtomicFiles files, Duration grace, LongSupplier ticker, Clock clock) {
    this.tasks = tasks;
    this.files = files;
    this.grace = grace;
    this.ticker = ticker;
    this.clock = clock;
  }

  /**
   * Looks at the claims of live workers.
   *
   * @return the claims a cancel was requested for in this pass
   */
  public Set<TaskName.Claimed> check(Set<TaskName.Claimed> live) throws IOException {
    watched.keySet().retainAll(live);
    long now = ticker.getAsLong();
    Set<TaskName.Claimed> requested = new HashSet<>();
    for (TaskName.Claimed c : live) {
      Watch w = watched.get(c);
      if (w == null) {
        Optional<Duration> timeout = tasks.read(c).map(Task::timeout);
        w = new Watch(now, timeout);
        watched.put(c, w);
      }
      if (w.timeout().isEmpty()) {
        continue;
      }
      Duration limit = w.timeout().get().plus(grace);
      if (now - w.sinceNanos() > limit.toNanos() && request(c, w.timeout().get())) {
        requested.add(c);
      }
    }
    return requested;
  }

  /**
   * The earliest moment (on the ticker) a watched claim passes its timeout plus grace, if after
   * {@code nowNanos}; {@link Long#MAX_VALUE} otherwise.
   */
  public long nextDeadline(long nowNanos) {
    long next = Long.MAX_VALUE;
    for (Watch w : watched.values()) {
      if (w.timeout().isPresent()) {
        long at = w.sinceNanos() + w.timeout().get().plus(grace).toNanos() + 1;
        if (at - nowNanos > 0 && at < next) {
          next = at;
        }
      }
    }
    return next;
  }

  private boolean request(TaskName.Claimed c, Duration timeout) throws IOException {
    ControlRequest.Cancel cancel =
        new ControlRequest.Cancel(
            null,
            c.id(),
            clock.instant(),
            "coordinator",
            "hard timeout of "
                + timeout.toSeconds()
                + " s passed by more than "
                + grace.toSeconds()
                + " s on worker "
                + c.worker());
    boolean published =
        files.publishIfAbsent(tasks.layout().cancelRequest(c.id()), SpoolJson.write(cancel));
    if (published) {
      log.warn(
          "task_timeout_backstop task={} attempt={} worker={} timeout_s={} grace_s={}"
              + " consequence=cancel requested; the worker stops the task",
          c.id(),
          c.attempt(),
          c.worker(),
          timeout.toSeconds(),
          grace.toSeconds());
    }
    return published;
  }
}
