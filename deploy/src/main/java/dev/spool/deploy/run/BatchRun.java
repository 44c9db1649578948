package dev.spool.deploy.run;

import dev.spool.coordinator.Coordinator;
import dev.spool.coordinator.CoordinatorConfig;
import dev.spool.coordinator.report.BatchReport;
import dev.spool.coordinator.submit.Submitter;
import dev.spool.protocol.fs.AtomicFiles;
import dev.spool.protocol.fs.FileOps;
import dev.spool.protocol.spool.SpoolLayout;
import dev.spool.protocol.spool.TaskState;
import dev.spool.protocol.task.Task;
import dev.spool.worker.StartupException;
import dev.spool.worker.Worker;
import dev.spool.worker.config.WorkerConfig;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Consumer;

/**
 * Runs one batch end to end on one machine: an in-process coordinator and {@code workers} workers
 * (one slot each, raw argv allowed: the batch is the user's own) on a local spool, the batch
 * submitted, then waited for until every task is terminal, and the daemons stopped in order
 * (workers drain, then the coordinator). Not thread-safe; one run per instance.
 */
public final class BatchRun {
  /** Progress as tasks end: how many of how many, and the task that just ended. */
  public record Progress(int ended, int total, int succeeded, String task, TaskState state) {}

  private final SpoolLayout layout;
  private final Clock clock;
  private final int workers;

  public BatchRun(SpoolLayout layout, Clock clock, int workers) {
    if (workers < 1) {
      throw new IllegalArgumentException("workers must be at least 1, not " + workers);
    }
    this.layout = layout;
    this.clock = clock;
    this.workers = workers;
  }

  /**
   * Submits the plan and waits until every task ended or {@code timeout} passed.
   *
   * @return the report (ids as the batch named them), with {@code timed_out} set when it did
   */
  public Map<String, Object> run(RunPlan plan, Duration timeout, Consumer<Progress> progress)
      throws IOException, StartupException, InterruptedException {
    long t0 = System.nanoTime();
    String host = dev.spool.worker.config.HostNames.hostName();
    Coordinator coordinator =
        new Coordinator(
            layout,
            CoordinatorConfig.defaults("run-" + plan.runId(), host),
            clock,
            System::nanoTime);
    List<Worker> started = new ArrayList<>();
    boolean timedOut;
    try {
      coordinator.start();
      // The whole batch is in the spool before the first worker claims, so priorities order it.
      Submitter submitter =
          new Submitter(layout, new AtomicFiles(FileOps.real(), layout.tmp(), true), clock);
      for (Task t : plan.tasks()) {
        submitter.submit(t);
      }
      for (int i = 1; i <= workers; i++) {
        Worker w = new Worker(workerConfig(plan.runId(), i));
        w.start();
        started.add(w);
      }
      timedOut = !awaitEnd(plan, timeout, progress);
    } finally {
      for (Worker w : started) {
        w.close();
      }
      coordinator.close();
    }
    Duration wall = Duration.ofNanos(System.nanoTime() - t0);
    Map<String, Object> report =
        new LinkedHashMap<>(BatchReport.of(layout, plan.spoolIds(), wall).json());
    renameBack(report, plan);
    report.put("run_id", plan.runId());
    report.put("spool", layout.root().toString());
    if (timedOut) {
      report.put("timed_out", true);
    }
    return report;
  }

  private WorkerConfig workerConfig(String runId, int i) {
    return WorkerConfig.builder(layout.root())
        .workerId("run-" + runId + "-" + i)
        .slots(1)
        .allowArgv(true)
        .heartbeatInterval(Duration.ofSeconds(1))
        .rescanInterval(Duration.ofMillis(500))
        .drainTimeout(Duration.ofSeconds(5))
        .scratchDir(layout.root().resolve("scratch"))
        .build();
  }

  /** Polls the terminal directories for the tasks not yet ended (three stats each). */
  private boolean awaitEnd(RunPlan plan, Duration timeout, Consumer<Progress> progress) {
    Set<String> open = new LinkedHashSet<>(plan.spoolIds());
    int total = open.size();
    int succeeded = 0;
    long deadline = System.nanoTime() + timeout.toNanos();
    long pause = 10_000_000L;
    while (!open.isEmpty()) {
      for (var it = open.iterator(); it.hasNext(); ) {
        String id = it.next();
        TaskState s = terminalState(id);
        if (s != null) {
          it.remove();
          succeeded += s == TaskState.DONE ? 1 : 0;
          progress.accept(
              new Progress(total - open.size(), total, succeeded, plan.originalIds().get(id), s));
        }
      }
      if (open.isEmpty()) {
        return true;
      }
      if (System.nanoTime() - deadline > 0) {
        return false;
      }
      LockSupport.parkNanos(pause);
      pause = Math.min(pause * 2, 200_000_000L);
    }
    return true;
  }

  private TaskState terminalState(String id) {
    for (TaskState s : new TaskState[] {TaskState.DONE, TaskState.DEAD, TaskState.CANCELLED}) {
      if (Files.exists(layout.terminal(s, id), LinkOption.NOFOLLOW_LINKS)) {
        return s;
      }
    }
    return null;
  }

  @SuppressWarnings("unchecked")
  private static void renameBack(Map<String, Object> report, RunPlan plan) {
    for (Object o : (List<Object>) report.get("results")) {
      Map<String, Object> r = (Map<String, Object>) o;
      String spoolId = (String) r.get("task_id");
      Map<String, Object> copy = new LinkedHashMap<>(r);
      r.clear();
      r.put("task_id", plan.originalIds().getOrDefault(spoolId, spoolId));
      r.put("spool_id", spoolId);
      copy.remove("task_id");
      r.putAll(copy);
    }
  }

  /** The spool directory {@code spool run} uses when none is given. */
  public static Path defaultSpool() {
    return Path.of("spool-data");
  }
}
