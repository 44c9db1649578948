package dev.spool.coordinator.cli;

import dev.spool.coordinator.view.SpoolSnapshot;
import dev.spool.coordinator.view.WorkerView;
import dev.spool.protocol.json.SpoolJson;
import dev.spool.protocol.lanes.UnroutableNote;
import dev.spool.protocol.spool.SpoolLayout;
import dev.spool.protocol.spool.TaskState;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** {@code spool status}: counts per state, the oldest pending task, and the workers. */
@Command(name = "status", description = "Counts per state, oldest pending task, workers.")
final class StatusCommand implements Callable<Integer> {
  @CommandLine.Spec CommandLine.Model.CommandSpec spec;
  @CommandLine.Mixin SpoolOptions options;

  @CommandLine.Option(
      names = "--watch",
      description = "Refresh in place until interrupted (or --count times).")
  boolean watch;

  @CommandLine.Option(
      names = "--interval",
      converter = DurationParser.class,
      defaultValue = "2s",
      description = "Refresh interval with --watch (default 2s).")
  java.time.Duration interval;

  @CommandLine.Option(
      names = "--count",
      paramLabel = "N",
      description = "With --watch: stop after N refreshes.")
  Integer count;

  private final Clock clock;

  StatusCommand(Clock clock) {
    this.clock = clock;
  }

  @Override
  public Integer call() throws Exception {
    SpoolLayout layout = options.open(spec);
    if (!watch) {
      print(layout);
      return 0;
    }
    for (int i = 0; count == null || i < count; i++) {
      if (i > 0) {
        java.util.concurrent.locks.LockSupport.parkNanos(interval.toNanos());
        if (Thread.currentThread().isInterrupted()) {
          break;
        }
      }
      if (System.console() != null && !options.json) {
        spec.commandLine().getOut().print("\033[H\033[2J");
      }
      print(layout);
    }
    return 0;
  }

  private void print(SpoolLayout layout) throws java.io.IOException {
    SpoolSnapshot snap = SpoolSnapshot.read(layout);
    PrintWriter out = spec.commandLine().getOut();
    Optional<UnroutableNote> unroutable = UnroutableNotes.read(layout);
    if (options.json) {
      Map<String, Object> json = toJson(snap);
      unroutable.ifPresent(u -> json.put("unroutable", unroutableJson(u)));
      out.println(new String(SpoolJson.writeOutput(json), StandardCharsets.UTF_8));
    } else {
      printTable(out, snap);
      unroutable.ifPresent(u -> printUnroutable(out, u));
    }
    out.flush();
  }

  private static Map<String, Object> unroutableJson(UnroutableNote u) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("total", u.total());
    m.put("unroutable_after_seconds", u.unroutableAfter().toSeconds());
    m.put("tasks", u.tasks());
    m.put("as_of", u.at());
    return m;
  }

  private static void printUnroutable(PrintWriter out, UnroutableNote u) {
    out.printf(
        "unroutable: %d pending task(s) no live worker can run (dead/ no_lane after %d s):%n",
        u.total(), u.unroutableAfter().toSeconds());
    for (UnroutableNote.Task t : u.tasks().subList(0, Math.min(10, u.tasks().size()))) {
      out.printf("  %-24s needs %s; dead at %s%n", t.id(), t.needs(), t.deadAt());
    }
  }

  Map<String, Object> toJson(SpoolSnapshot snap) {
    Map<String, Object> counts = new LinkedHashMap<>();
    for (TaskState s : TaskState.values()) {
      counts.put(s.code(), snap.counts().get(s));
    }
    Map<String, Object> root = new LinkedHashMap<>();
    root.put("counts", counts);
    if (snap.oldestPendingEnqueuedMillis().isPresent()) {
      root.put(
          "oldest_pending_age_seconds",
          Math.max(0, clock.millis() - snap.oldestPendingEnqueuedMillis().getAsLong()) / 1000.0);
    }
    Map<String, Object> lastMinute = new LinkedHashMap<>();
    lastMinute.put("succeeded", snap.lastMinute().map(m -> m[0]).orElse(null));
    lastMinute.put("failed", snap.lastMinute().map(m -> m[1]).orElse(null));
    root.put("last_minute", lastMinute);
    List<Object> workers = new ArrayList<>();
    for (WorkerView w : snap.workers()) {
      workers.add(WorkerJson.of(w));
    }
    root.put("workers", workers);
    return root;
  }

  private void printTable(PrintWriter out, SpoolSnapshot snap) {
    for (TaskState s : TaskState.values()) {
      out.printf("%-10s %d%n", s.code(), snap.counts().get(s));
    }
    if (snap.oldestPendingEnqueuedMillis().isPresent()) {
      out.printf(
          "oldest pending: %.1f s%n",
          Math.max(0, clock.millis() - snap.oldestPendingEnqueuedMillis().getAsLong()) / 1000.0);
    }
    if (snap.lastMinute().isPresent()) {
      out.printf(
          "last minute: %d succeeded, %d failed%n",
          snap.lastMinute().get()[0], snap.lastMinute().get()[1]);
    } else {
      out.println("last minute: unknown (no coordinator is counting)");
    }
    long alive = snap.workers().stream().filter(WorkerView::alive).count();
    out.printf("workers: %d alive, %d not%n", alive, snap.workers().size() - alive);
    for (WorkerView w : snap.workers()) {
      out.printf(
          "  %-24s %-5s slots %d/%d  heartbeat %.1fs ago%n",
          w.heartbeat().workerId(),
          w.alive() ? "alive" : "dead",
          w.heartbeat().slotsUsed(),
          w.heartbeat().slotsTotal(),
          w.heartbeatAgeMillis() / 1000.0);
    }
  }
}
