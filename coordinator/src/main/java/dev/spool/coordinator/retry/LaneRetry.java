package dev.spool.coordinator.retry;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.spool.coordinator.decision.Decision;
import dev.spool.protocol.fs.AtomicFiles;
import dev.spool.protocol.lanes.AccountEntry;
import dev.spool.protocol.lanes.Classification;
import dev.spool.protocol.lanes.LaneAvailability;
import dev.spool.protocol.lanes.LaneMark;
import dev.spool.protocol.lanes.LaneStates;
import dev.spool.protocol.lanes.QuotaSlots;
import dev.spool.protocol.lanes.Routing;
import dev.spool.protocol.lanes.RoutingFile;
import dev.spool.protocol.result.AttemptResult;
import dev.spool.protocol.spool.SpoolLayout;
import dev.spool.protocol.spool.TaskName;
import dev.spool.protocol.spool.TerminalReason;
import dev.spool.protocol.task.Task;
import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * What a routing class of an attempt ({@link Classification#routesAround}) does, without spending
 * one of the task's failure retries:
 *
 * <ul>
 *   <li>{@code rate_limited}, {@code quota_exhausted}: the lane account cools down fleet-wide until
 *       {@code finished_at + retry_after} (or the routing file's {@code cooldown}); the task goes
 *       back to pending/ at once when some lane of its chain is usable now (workers skip the
 *       cooling one), else to scheduled/ until the earliest end of a cooldown or quota window
 *   <li>{@code auth_failed}: the account is disabled until an operator clears it ({@code spool
 *       lanes --clear}); the task is requeued the same way (every account disabled: it is looked at
 *       again after the routing cooldown, waiting for the operator)
 *   <li>{@code context_too_large}: back to pending/ when the chain has a lane with a larger (or
 *       unknown) context window that has not refused the task yet; otherwise dead/ ({@code fatal})
 * </ul>
 *
 * The marks repeat what the worker already wrote (same values from the same result), so a worker
 * that died before marking changes nothing. Thread-safe.
 */
public final class LaneRetry {
  private final SpoolLayout layout;
  private final LaneStates states;
  private final LaneAvailability availability;

  public LaneRetry(SpoolLayout layout, AtomicFiles files) {
    this.layout = layout;
    this.states = new LaneStates(layout, files);
    this.availability = new LaneAvailability(states, new QuotaSlots(layout, files));
  }

  /** The decision for {@code failed}, whose last result has a routing class. */
  public Decision decide(
      TaskName failed, Task task, AttemptResult last, AttemptHistory history, Instant now)
      throws IOException {
    Routing routing;
    try {
      routing = RoutingFile.read(layout);
    } catch (IllegalArgumentException e) {
      throw new IOException(e.getMessage(), e);
    }
    String c = last.classification();
    Routing.Chain chain =
        routing
            .chainFor(task)
            .orElse(new Routing.Chain(List.of(last.lane() == null ? "-" : last.lane()), false));
    mark(last, c, routing.cooldown());
    ObjectNode detail = Decision.newDetail();
    detail.put("classification", c);
    if (last.lane() != null) {
      detail.put("lane", last.lane());
    }
    if (Classification.CONTEXT_TOO_LARGE.equals(c)) {
      List<String> larger = routing.largerThan(chain, last.lane(), context(routing, last.lane()));
      larger.removeAll(refused(history));
      if (larger.isEmpty()) {
        detail.put(
            "message",
            "context_too_large on lane " + last.lane() + " and no lane of its chain is larger");
        return Decision.dead(failed, TerminalReason.FATAL, detail);
      }
      return requeue(failed, task, now, now, detail);
    }
    List<String> lanes = new ArrayList<>();
    for (String l : chain.lanes()) {
      if (!chain.sovereign() || routing.local(l) || registeredLocal(l)) {
        lanes.add(l);
      }
    }
    Optional<Instant> at = availability.earliest(lanes, now);
    Instant due = at.orElse(now.plus(routing.cooldown()));
    if (at.isEmpty()) {
      detail.put("message", "every account of the chain is disabled; clear with spool lanes");
    }
    return requeue(failed, task, due.isAfter(now) ? due : now, now, detail);
  }

  private Decision requeue(
      TaskName failed, Task task, Instant due, Instant now, ObjectNode detail) {
    int next = failed.attempt() + 1;
    detail.put("retry", 0);
    TaskName to =
        due.isAfter(now)
            ? new TaskName.Scheduled(due.toEpochMilli(), task.priority(), failed.id(), next)
            : new TaskName.Pending(task.priority(), now.toEpochMilli(), failed.id(), next);
    return new Decision(Decision.RETRY, failed, to, null, due, detail);
  }

  private void mark(AttemptResult last, String c, Duration cooldown) throws IOException {
    if (last.lane() == null || last.account() == null) {
      return;
    }
    String by = "coordinator (result " + last.taskId() + "~" + last.attempt() + ")";
    if (Classification.coolsDown(c)) {
      Duration after = last.retryAfter() != null ? last.retryAfter() : cooldown;
      Instant until = last.finishedAt().plus(after);
      states.coolDown(
          new LaneMark(
              last.lane(), last.account(), until, c, last.message(), last.finishedAt(), by));
    } else if (Classification.AUTH_FAILED.equals(c)) {
      states.disable(
          new LaneMark(
              last.lane(), last.account(), null, c, last.message(), last.finishedAt(), by));
    }
  }

  private long context(Routing routing, String lane) throws IOException {
    Routing.LaneFacts f = lane == null ? null : routing.lanes().get(lane);
    if (f != null && f.contextTokens() != null) {
      return f.contextTokens();
    }
    long max = 0;
    for (AccountEntry a : lane == null ? List.<AccountEntry>of() : states.accounts(lane)) {
      max = Math.max(max, a.contextTokens() == null ? 0 : a.contextTokens());
    }
    return max;
  }

  private boolean registeredLocal(String lane) throws IOException {
    List<AccountEntry> accounts = states.accounts(lane);
    return !accounts.isEmpty() && accounts.stream().allMatch(AccountEntry::local);
  }

  private static List<String> refused(AttemptHistory history) {
    List<String> out = new ArrayList<>();
    for (AttemptResult r : history.results()) {
      if (Classification.CONTEXT_TOO_LARGE.equals(r.classification()) && r.lane() != null) {
        out.add(r.lane());
      }
    }
    return out;
  }
}
