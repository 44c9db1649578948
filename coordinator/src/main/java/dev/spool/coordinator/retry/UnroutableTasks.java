package dev.spool.coordinator.retry;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.spool.coordinator.decision.Decision;
import dev.spool.coordinator.decision.TaskReader;
import dev.spool.protocol.fs.AtomicFiles;
import dev.spool.protocol.heartbeat.Heartbeat;
import dev.spool.protocol.json.SpoolJson;
import dev.spool.protocol.lanes.AccountEntry;
import dev.spool.protocol.lanes.LaneStates;
import dev.spool.protocol.lanes.Routing;
import dev.spool.protocol.lanes.RoutingFile;
import dev.spool.protocol.lanes.UnroutableNote;
import dev.spool.protocol.spool.SpoolLayout;
import dev.spool.protocol.spool.TaskName;
import dev.spool.protocol.spool.TerminalReason;
import dev.spool.protocol.task.Task;
import java.io.IOException;
import java.nio.file.Files;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Pending tasks that no live worker can run. A routed task needs a live worker whose heartbeat
 * advertises a lane of its chain (for a sovereign chain: a lane the routing file or the lane's
 * registrations mark local); a typed task that is not routed and has no argv needs a live worker
 * advertising its type. While at least one worker is live and none can run the task, the wait is
 * timed on the coordinator's monotonic clock; past {@code unroutable_after} the task goes to dead/
 * ({@code no_lane}). With no live worker at all nothing is timed: the fleet is down, not
 * misconfigured. The waiting tasks are published in {@code state/unroutable.json} ({@link
 * UnroutableNote}) for {@code spool status} and {@code spool show}. A coordinator restart starts
 * every wait again. Not thread-safe (the pass thread).
 */
public final class UnroutableTasks {
  private static final Logger log = LoggerFactory.getLogger(UnroutableTasks.class);

  private final SpoolLayout layout;
  private final AtomicFiles files;
  private final LaneStates states;
  private final Duration after;
  private final LongSupplier ticker;
  private final Map<TaskName, Optional<Task>> read = new HashMap<>();
  private final Map<String, Waiting> waiting = new LinkedHashMap<>();
  private Routing routing = Routing.NONE;
  private Set<String> lanes = Set.of();
  private Set<String> types = Set.of();
  private boolean anyLive;
  private String written = "";

  private record Waiting(String needs, long sinceNanos) {}

  /**
   * @param after how long a task may wait with no live worker able to run it; zero disables
   */
  public UnroutableTasks(TaskReader tasks, AtomicFiles files, Duration after, LongSupplier ticker) {
    this.layout = tasks.layout();
    this.files = files;
    this.states = new LaneStates(layout, files);
    this.after = after;
    this.ticker = ticker;
  }

  /** What the live workers offer now; call before {@link #decide} on each listing of pending/. */
  public void observe(Collection<Heartbeat> live) {
    try {
      routing = RoutingFile.read(layout);
    } catch (IOException | IllegalArgumentException e) {
      log.debug(
          "unroutable_routing_unreadable reason={} consequence=previous routing kept",
          e.getMessage());
    }
    Set<String> l = new HashSet<>();
    Set<String> t = new HashSet<>();
    for (Heartbeat hb : live) {
      l.addAll(hb.lanes());
      t.addAll(hb.types());
    }
    lanes = l;
    types = t;
    anyLive = !live.isEmpty();
    if (!anyLive) {
      waiting.clear();
    }
  }

  /** Forgets tasks no longer listed in pending/. */
  public void retain(Set<TaskName> listedPending) {
    read.keySet().retainAll(listedPending);
    Set<String> ids = new HashSet<>();
    for (TaskName n : listedPending) {
      ids.add(n.id());
    }
    waiting.keySet().retainAll(ids);
  }

  /**
   * The decision for one pending task, whose file is read through {@code file}: dead ({@code
   * no_lane}) once it waited too long.
   */
  public Optional<Decision> decide(TaskReader.Once file) throws IOException {
    if (after.isZero() || !anyLive) {
      return Optional.empty();
    }
    TaskName pending = file.name();
    Optional<Task> task = read.get(pending);
    if (task == null) {
      task = file.get();
      // A task with no type, lane or model is never routed: remember only that, not the task, so
      // a million plain pending tasks do not keep a million parsed tasks in the heap.
      task = task.filter(t -> t.type() != null || t.lane() != null || t.model() != null);
      read.put(pending, task);
    }
    Optional<String> needs = task.isPresent() ? unmet(task.get()) : Optional.empty();
    if (needs.isEmpty()) {
      waiting.remove(pending.id());
      return Optional.empty();
    }
    long now = ticker.getAsLong();
    Waiting w = waiting.get(pending.id());
    if (w == null || !w.needs().equals(needs.get())) {
      w = new Waiting(needs.get(), now);
      waiting.put(pending.id(), w);
      log.warn(
          "task_unroutable task={} needs=\"{}\" consequence=dead (no_lane) after {} s unless such"
              + " a worker comes alive",
          pending.id(),
          needs.get(),
          after.toSeconds());
    }
    if (now - w.sinceNanos() < after.toNanos()) {
      return Optional.empty();
    }
    ObjectNode detail = Decision.newDetail();
    detail.put(
        "message", "no live worker offered " + needs.get() + " for " + after.toSeconds() + " s");
    return Optional.of(Decision.dead(pending, TerminalReason.NO_LANE, detail));
  }

  /**
   * What {@code task} needs that no live worker offers, or empty when some live worker can run it.
   */
  Optional<String> unmet(Task task) throws IOException {
    Optional<Routing.Chain> chain = routing.chainFor(task);
    if (chain.isPresent()) {
      List<String> usable = new ArrayList<>();
      for (String l : chain.get().lanes()) {
        if (!chain.get().sovereign() || routing.local(l) || registeredLocal(l)) {
          usable.add(l);
        }
      }
      for (String l : usable) {
        if (lanes.contains(l)) {
          return Optional.empty();
        }
      }
      String needs = "a lane of " + chain.get().lanes();
      return Optional.of(chain.get().sovereign() ? needs + " that is local (sovereign)" : needs);
    }
    if (task.type() != null && task.argv().isEmpty() && !types.contains(task.type())) {
      return Optional.of("type " + task.type());
    }
    return Optional.empty();
  }

  private boolean registeredLocal(String lane) throws IOException {
    List<AccountEntry> accounts = states.accounts(lane);
    return !accounts.isEmpty() && accounts.stream().allMatch(AccountEntry::local);
  }

  /** Replaces {@code state/unroutable.json} when the waiting set changed; removes it when empty. */
  public void publishNote(Instant now) throws IOException {
    StringBuilder key = new StringBuilder();
    waiting.forEach((id, w) -> key.append(id).append(' ').append(w.needs()).append('\n'));
    if (key.toString().equals(written)) {
      return;
    }
    if (waiting.isEmpty()) {
      Files.deleteIfExists(layout.unroutableNote());
    } else {
      long tick = ticker.getAsLong();
      List<UnroutableNote.Task> list = new ArrayList<>();
      for (Map.Entry<String, Waiting> e : waiting.entrySet()) {
        if (list.size() == UnroutableNote.MAX) {
          break;
        }
        Instant since = now.minusNanos(tick - e.getValue().sinceNanos());
        list.add(
            new UnroutableNote.Task(e.getKey(), e.getValue().needs(), since, since.plus(after)));
      }
      UnroutableNote note = new UnroutableNote(now, after, waiting.size(), list);
      files.replace(layout.unroutableNote(), SpoolJson.write(note));
    }
    written = key.toString();
  }
}
