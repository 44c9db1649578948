package dev.spool.bench;

import com.fasterxml.jackson.databind.JsonNode;
import dev.spool.protocol.json.SpoolJson;
import dev.spool.protocol.result.AttemptResult;
import dev.spool.protocol.spool.SpoolLayout;
import dev.spool.protocol.spool.TaskState;
import dev.spool.protocol.task.Task;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * The workloads W1 to W6 of BENCHMARKS.md. Every run uses a fresh spool under the work directory
 * and real daemons started by the launcher; every workload measures its baseline in the same run,
 * interleaved with Spool's runs, so a noisy neighbour slows both.
 */
final class Workloads {
  private static final Duration RUN_LIMIT = Duration.ofMinutes(20);
  private static final List<String> TRUE = List.of("true");

  private final Path launcher;
  private final Path work;
  private final Sizes sizes;
  private final int runs;
  private final PrintStream out;
  private final Trash trash;

  Workloads(Path repo, Path work, Trash trash, Sizes sizes, int runs, PrintStream out) {
    this.launcher = repo.resolve("deploy/bin/spool");
    this.work = work;
    this.trash = trash;
    this.sizes = sizes;
    this.runs = runs;
    this.out = out;
  }

  // ---------------------------------------------------------------- W1

  Result w1() throws Exception {
    int n = sizes.noop();
    List<Double> spool = new ArrayList<>();
    List<Double> submit = new ArrayList<>();
    List<Double> base = new ArrayList<>();
    List<Double> vfork = new ArrayList<>();
    List<Double> floor = new ArrayList<>();
    List<Double> cold = new ArrayList<>();
    List<Double> workerCpu = new ArrayList<>();
    List<Double> coordinatorCpu = new ArrayList<>();
    List<Double> taskCpu = new ArrayList<>();
    List<Double> harnessCpu = new ArrayList<>();
    List<Double> machineCpu = new ArrayList<>();
    List<Double> idle = new ArrayList<>();
    List<Double> drain = new ArrayList<>();
    List<Double> drainFirst = new ArrayList<>();
    List<Double> drainWorkerCpu = new ArrayList<>();
    List<Double> drainMachineCpu = new ArrayList<>();
    List<Double> drainIdle = new ArrayList<>();
    List<Double> baseMachineCpu = new ArrayList<>();
    List<Double> floorMachineCpu = new ArrayList<>();
    List<Double> floorIdle = new ArrayList<>();
    for (int r = 1; r <= runs; r++) {
      Loop loop = spawnLoop(n, 4, null);
      base.add(loop.perSecond());
      baseMachineCpu.add(loop.machineMs());
      vfork.add(spawnLoop(n, 4, "VFORK").perSecond());
      Loop durable = durableFloor(n, 4);
      floor.add(durable.perSecond());
      floorMachineCpu.add(durable.machineMs());
      floorIdle.add(durable.idleShare());
      NoopRun run = noopRun("w1-r" + r, n, 1, 4, true);
      drain.add(run.drain().perSecond());
      drainFirst.add(run.drain().firstDoneMs());
      drainWorkerCpu.add(run.drain().cpu().worker());
      drainMachineCpu.add(run.drain().cpu().machine());
      drainIdle.add(run.drain().cpu().idleShare());
      spool.add(run.perSecond());
      cold.add(run.coldPerSecond());
      workerCpu.add(run.workerCpuMsPerTask());
      coordinatorCpu.add(run.coordinatorCpuMsPerTask());
      taskCpu.add(run.cpu().tasks());
      harnessCpu.add(run.cpu().harness());
      machineCpu.add(run.cpu().machine());
      idle.add(run.cpu().idleShare());
      submit.add(run.submitPerSecond());
      out.printf(
          Locale.ROOT,
          "# W1 run%d spool_per_s=%.1f cold_per_s=%.1f worker_cpu_ms=%.3f"
              + " coordinator_cpu_ms=%.3f task_cpu_ms=%.3f harness_cpu_ms=%.3f"
              + " machine_cpu_ms=%.3f idle_share=%.2f drain_per_s=%.1f drain_first_done_ms=%.1f"
              + " drain_worker_cpu_ms=%.3f"
              + " drain_machine_cpu_ms=%.3f drain_idle_share=%.2f submit_per_s=%.1f"
              + " baseline_per_s=%.1f vfork_per_s=%.1f durable_floor_per_s=%.1f%n",
          r,
          run.perSecond(),
          run.coldPerSecond(),
          run.workerCpuMsPerTask(),
          run.coordinatorCpuMsPerTask(),
          run.cpu().tasks(),
          run.cpu().harness(),
          run.cpu().machine(),
          run.cpu().idleShare(),
          run.drain().perSecond(),
          run.drain().firstDoneMs(),
          run.drain().cpu().worker(),
          run.drain().cpu().machine(),
          run.drain().cpu().idleShare(),
          run.submitPerSecond(),
          base.get(r - 1),
          vfork.get(r - 1),
          floor.get(r - 1));
    }
    double s = Stats.median(spool);
    double b = Stats.median(base);
    double v = Stats.median(vfork);
    double f = Stats.median(floor);
    double d = Stats.median(drain);
    return new Result("W1")
        .put("tasks", n)
        .put("slots", 4)
        .put("spool_per_s", s)
        .put("spool_cold_per_s", Stats.median(cold))
        .put("worker_cpu_ms_per_task", Stats.median(workerCpu))
        .put("coordinator_cpu_ms_per_task", Stats.median(coordinatorCpu))
        .put("task_cpu_ms_per_task", Stats.median(taskCpu))
        .put("harness_cpu_ms_per_task", Stats.median(harnessCpu))
        .put("machine_cpu_ms_per_task", Stats.median(machineCpu))
        .put("machine_idle_share", Stats.median(idle))
        .put("drain_per_s", d)
        .put("drain_worker_cpu_ms_per_task", Stats.median(drainWorkerCpu))
        .put("drain_machine_cpu_ms_per_task", Stats.median(drainMachineCpu))
        .put("drain_machine_idle_share", Stats.median(drainIdle))
        .put("drain_ratio", d / b)
        .put("drain_first_done_ms", Stats.median(drainFirst))
        .put("baseline_machine_cpu_ms_per_task", Stats.median(baseMachineCpu))
        .put("durable_floor_machine_cpu_ms_per_task", Stats.median(floorMachineCpu))
        .put("durable_floor_machine_idle_share", Stats.median(floorIdle))
        .put("submit_per_s", Stats.median(submit))
        .put("baseline_per_s", b)
        .put("baseline_vfork_per_s", v)
        .put("durable_floor_per_s", f)
        .put("ratio", s / b)
        .put("ratio_to_durable_floor", s / f)
        .put("drain_ratio_to_durable_floor", d / f)
        .put("runs", runs)
        .row(
            "no-op tasks/s, 1 worker x 4 slots (warm daemons), submitted durably while the worker"
                + " runs",
            fmt(s),
            fmt(b) + " (ProcessBuilder loop, 4 threads)",
            fmt(s / b),
            ">= 0.70",
            s / b >= 0.70)
        .row(
            "same, the "
                + n
                + " tasks in pending/ when the timer starts (submitted while the worker was"
                + " stopped); first task done "
                + fmt(Stats.median(drainFirst))
                + " ms after SIGCONT",
            fmt(d),
            fmt(b),
            fmt(d / b),
            "",
            null)
        .row(
            "no-op tasks/s, the first " + n + " after the daemons started (JIT cold)",
            fmt(Stats.median(cold)),
            fmt(b),
            fmt(Stats.median(cold) / b),
            "",
            null)
        .row(
            "CPU ms per task, submitted meanwhile: worker / coordinator / the tasks' processes /"
                + " the submitting harness / whole machine; machine idle",
            medians(workerCpu, coordinatorCpu, taskCpu, harnessCpu, machineCpu)
                + "; "
                + percent(idle),
            "",
            "",
            "",
            null)
        .row(
            "CPU ms per task, queue filled before: worker / whole machine; machine idle",
            medians(drainWorkerCpu, drainMachineCpu) + "; " + percent(drainIdle),
            "",
            "",
            "",
            null)
        .row(
            "submitted meanwhile, against the VFORK loop",
            fmt(s),
            fmt(v) + " (ProcessBuilder loop, VFORK)",
            fmt(s / v),
            "",
            null)
        .row(
            "submitted meanwhile / queue filled before, against the durable floor (the loop plus"
                + " the protocol's file operations, its task files made before its timer)",
            fmt(s) + " / " + fmt(d),
            fmt(f) + " (durable floor, VFORK; " + fmt(f / b) + " of the default loop)",
            fmt(s / f) + " / " + fmt(d / f),
            "",
            null)
        .row(
            "whole machine's CPU ms per task: Spool warm / Spool drain / durable floor /"
                + " default loop (machine idle: floor "
                + percent(floorIdle)
                + ")",
            medians(machineCpu, drainMachineCpu, floorMachineCpu, baseMachineCpu),
            "",
            "",
            "",
            null);
  }

  /**
   * One spool, one coordinator, {@code workers} workers; submits n no-ops and waits for all, twice
   * (cold, then warm).
   */
  NoopRun noopRun(String name, int n, int workers, int slotsEach) throws Exception {
    return noopRun(name, n, workers, slotsEach, false);
  }

  /**
   * As {@link #noopRun(String, int, int, int)}; with {@code drain}, n more tasks are then submitted
   * while the workers are stopped (SIGSTOP) and timed from SIGCONT to the last done/ file: the rate
   * of draining a queue filled beforehand, without the submitting code's CPU in the window, as the
   * durable floor's task files are made before its timer.
   */
  NoopRun noopRun(String name, int n, int workers, int slotsEach, boolean drain) throws Exception {
    SpoolLayout layout = freshSpool(name);
    try (Fleet fleet = new Fleet(launcher, layout, work.resolve(name + "-logs"));
        DirWatch done = new DirWatch(layout.dir(TaskState.DONE))) {
      Daemon coordinator = fleet.coordinator();
      List<String> ids = new ArrayList<>();
      List<Daemon> daemons = new ArrayList<>();
      for (int w = 1; w <= workers; w++) {
        String id = name + "-w" + w;
        daemons.add(fleet.worker(id, slotsEach, List.of(), ""));
        ids.add(id);
      }
      Seeder seeder = new Seeder(layout);
      // First n tasks from cold JVMs (JIT still compiling), then n more through the same warm
      // daemons: a worker runs for days, so the second is its rate; both are reported.
      List<Task> first = Seeder.tasks(name + "-cold", n, TRUE);
      long c0 = System.nanoTime();
      seeder.submit(first);
      long c1 = done.awaitCount(n, RUN_LIMIT);
      int warm = warmUp(seeder, done, name, n);
      List<Task> tasks = Seeder.tasks(name, n, TRUE);
      CpuTimes.Proc workers0 = cpu(daemons);
      CpuTimes.Proc coordinator0 = coordinator.cpu();
      CpuTimes.Proc harness0 = CpuTimes.Proc.ofThisJvm();
      CpuTimes.Machine machine0 = CpuTimes.Machine.now();
      long t0 = System.nanoTime();
      seeder.submit(tasks);
      long submitted = System.nanoTime();
      long t1 = done.awaitCount(2L * n + warm, RUN_LIMIT);
      CpuTimes.Machine machine = CpuTimes.Machine.now();
      CpuTimes.Proc workers1 = cpu(daemons);
      CpuTimes.Proc harness = CpuTimes.Proc.ofThisJvm();
      Cpu cpu =
          new Cpu(
              workers1.selfMsPerTask(workers0, n),
              workers1.childrenMsPerTask(workers0, n),
              coordinator.cpu().selfMsPerTask(coordinator0, n),
              harness.selfMsPerTask(harness0, n),
              machine.busyMsPerTask(machine0, n),
              machine.idleShare(machine0));
      long claims = 0;
      long lost = 0;
      boolean counted = true;
      for (String id : ids) {
        Optional<JsonNode> hb = fleet.nextHeartbeat(id);
        JsonNode c = hb.map(h -> h.get("claims_total")).orElse(null);
        JsonNode l = hb.map(h -> h.get("claims_lost_total")).orElse(null);
        if (c == null || l == null) {
          counted = false;
        } else {
          claims += c.asLong();
          lost += l.asLong();
        }
      }
      Drain drained = null;
      if (drain) {
        for (Daemon d : daemons) {
          d.signal("STOP");
        }
        try {
          seeder.submit(Seeder.tasks(name + "-drain", n, TRUE));
        } finally {
          for (Daemon d : daemons) {
            d.signal("CONT");
          }
        }
        workers0 = cpu(daemons);
        coordinator0 = coordinator.cpu();
        harness0 = CpuTimes.Proc.ofThisJvm();
        machine0 = CpuTimes.Machine.now();
        long d0 = System.nanoTime();
        long firstDone = done.awaitCount(2L * n + warm + 1, RUN_LIMIT);
        long d1 = done.awaitCount(3L * n + warm, RUN_LIMIT);
        CpuTimes.Machine dm = CpuTimes.Machine.now();
        CpuTimes.Proc dw = cpu(daemons);
        drained =
            new Drain(
                n / seconds(d1 - d0),
                (firstDone - d0) / 1e6,
                new Cpu(
                    dw.selfMsPerTask(workers0, n),
                    dw.childrenMsPerTask(workers0, n),
                    coordinator.cpu().selfMsPerTask(coordinator0, n),
                    CpuTimes.Proc.ofThisJvm().selfMsPerTask(harness0, n),
                    dm.busyMsPerTask(machine0, n),
                    dm.idleShare(machine0)));
      }
      requireAllDone(layout, (drain ? 3 : 2) * n + warm);
      return new NoopRun(
          n / seconds(t1 - t0),
          n / seconds(c1 - c0),
          n / seconds(submitted - t0),
          cpu,
          drained,
          counted ? claims : -1,
          counted ? lost : -1);
    } finally {
      trash.discard(layout.root());
    }
  }

  /**
   * Runs {@link Sizes#warmup} no-op tasks through the daemons and waits for them, on top of the
   * {@code already} tasks done/ holds. A worker's JIT goes on compiling for several thousand tasks
   * (C2 took a fifth of the machine's CPU during the 2,000 tasks after a 2,000-task cold pass); the
   * timed part should see a worker as it runs once it has been up a while.
   *
   * @return how many tasks were added to done/
   */
  private int warmUp(Seeder seeder, DirWatch done, String name, long already) throws Exception {
    int w = sizes.warmup();
    if (w > 0) {
      seeder.submit(Seeder.tasks(name + "-warmup", w, TRUE));
      done.awaitCount(already + w, RUN_LIMIT);
    }
    return w;
  }

  /**
   * @param perSecond tasks/s of the second n tasks (warm daemons)
   * @param coldPerSecond tasks/s of the first n tasks after the daemons started
   * @param cpu where the warm window's CPU went
   * @param drain the pre-filled round, or null when not asked for
   */
  record NoopRun(
      double perSecond,
      double coldPerSecond,
      double submitPerSecond,
      Cpu cpu,
      Drain drain,
      long claims,
      long lostRaces) {
    double workerCpuMsPerTask() {
      return cpu.worker();
    }

    double coordinatorCpuMsPerTask() {
      return cpu.coordinator();
    }
  }

  /**
   * The round of a queue filled while the workers were stopped: tasks/s from SIGCONT, ms from
   * SIGCONT to the first task seen done, and CPU.
   */
  record Drain(double perSecond, double firstDoneMs, Cpu cpu) {}

  /**
   * CPU ms per warm task (user + system), less sensitive to other load on the machine than a rate.
   *
   * @param worker the worker JVMs' own threads
   * @param tasks the tasks' processes (children the workers waited for)
   * @param coordinator the coordinator JVM
   * @param harness this JVM: the submitting code and the watch on done/
   * @param machine the whole machine (kernel threads and anything else running included)
   * @param idleShare the share of the window's CPU time the machine sat idle or waiting on I/O
   */
  record Cpu(
      double worker,
      double tasks,
      double coordinator,
      double harness,
      double machine,
      double idleShare) {}

  private static CpuTimes.Proc cpu(List<Daemon> daemons) throws IOException {
    CpuTimes.Proc sum = new CpuTimes.Proc(0, 0);
    for (Daemon d : daemons) {
      sum = sum.plus(d.cpu());
    }
    return sum;
  }

  /** The baseline: {@link SpawnLoop} in its own JVM; launch null = the JDK's default. */
  Loop spawnLoop(int n, int threads, String launchMechanism) throws Exception {
    return spawnLoop(n, threads, launchMechanism, null);
  }

  /**
   * The durable floor: {@link SpawnLoop} doing the protocol's per-task file operations in a fresh
   * directory under the work directory, with the worker's launch mechanism (VFORK).
   */
  Loop durableFloor(int n, int threads) throws Exception {
    Path dir = work.resolve("w1-floor");
    trash.discard(dir);
    try {
      return spawnLoop(n, threads, "VFORK", dir);
    } finally {
      trash.discard(dir);
    }
  }

  private Loop spawnLoop(int n, int threads, String launchMechanism, Path durableDir)
      throws Exception {
    List<String> cmd = new ArrayList<>();
    cmd.add(javaBin());
    if (launchMechanism != null) {
      cmd.add("-Djdk.lang.Process.launchMechanism=" + launchMechanism);
    }
    cmd.addAll(
        List.of(
            "-cp",
            System.getProperty("java.class.path"),
            SpawnLoop.class.getName(),
            Integer.toString(n),
            Integer.toString(threads)));
    if (durableDir != null) {
      cmd.add(durableDir.toString());
    }
    String line = runForOutput(cmd, Duration.ofMinutes(5)).strip();
    return new Loop(
        Double.parseDouble(field(line, "per_s")),
        Double.parseDouble(field(line, "machine_cpu_ms")),
        Double.parseDouble(field(line, "idle_share")));
  }

  /**
   * One {@link SpawnLoop} run: tasks/s of its timed pass, the whole machine's CPU ms per task and
   * its idle share meanwhile.
   */
  record Loop(double perSecond, double machineMs, double idleShare) {}

  // ---------------------------------------------------------------- W2

  Result w2() throws Exception {
    List<Double> p50 = new ArrayList<>();
    List<Double> p99 = new ArrayList<>();
    List<Double> poll50 = new ArrayList<>();
    List<Double> poll99 = new ArrayList<>();
    List<Double> base50 = new ArrayList<>();
    List<double[]> split = new ArrayList<>();
    List<double[]> pollSplit = new ArrayList<>();
    double pollInterval = 0.2;
    for (int r = 1; r <= runs; r++) {
      base50.add(Stats.percentile(spawnLatencies(sizes.latencyReps()), 50));
      List<Trip> watched = latencyRun("w2-r" + r, sizes.latencyReps(), List.of(), 0);
      Path cfg = work.resolve("w2-poll.yaml");
      Files.writeString(cfg, "rescan_interval: " + pollInterval + "\nwatch: false\n");
      List<Trip> polled =
          latencyRun(
              "w2p-r" + r,
              sizes.pollReps(),
              List.of("--config", cfg.toString()),
              (long) (pollInterval * 1000));
      p50.add(Stats.percentile(Trip.totals(watched), 50));
      p99.add(Stats.percentile(Trip.totals(watched), 99));
      poll50.add(Stats.percentile(Trip.totals(polled), 50));
      poll99.add(Stats.percentile(Trip.totals(polled), 99));
      split.add(Trip.medianSplit(watched));
      pollSplit.add(Trip.medianSplit(polled));
      out.printf(
          Locale.ROOT,
          "# W2 run%d p50_ms=%.2f p99_ms=%.2f poll_p50_ms=%.2f poll_p99_ms=%.2f spawn_p50_ms=%.2f"
              + " split_ms=%s poll_split_ms=%s%n",
          r,
          p50.get(r - 1),
          p99.get(r - 1),
          poll50.get(r - 1),
          poll99.get(r - 1),
          base50.get(r - 1),
          Trip.format(split.get(r - 1)),
          Trip.format(pollSplit.get(r - 1)));
    }
    double a = Stats.median(p50);
    double b = Stats.median(p99);
    double pa = Stats.median(poll50);
    double pb = Stats.median(poll99);
    double s = Stats.median(base50);
    double[] sp = Trip.medianOfRuns(split);
    double[] psp = Trip.medianOfRuns(pollSplit);
    double pollTarget = pollInterval * 1000 / 2 + 5;
    return new Result("W2")
        .put("reps", sizes.latencyReps())
        .put("p50_ms", a)
        .put("p99_ms", b)
        .put("poll_interval_ms", pollInterval * 1000)
        .put("poll_p50_ms", pa)
        .put("poll_p99_ms", pb)
        .put("baseline_spawn_p50_ms", s)
        .put("to_launch_p50_ms", sp[0])
        .put("run_p50_ms", sp[1])
        .put("to_visible_p50_ms", sp[2])
        .put("poll_to_launch_p50_ms", psp[0])
        .put("poll_run_p50_ms", psp[1])
        .put("poll_to_visible_p50_ms", psp[2])
        .put("runs", runs)
        .row(
            "latency p50 ms, watcher",
            fmt(a),
            fmt(s) + " (one ProcessBuilder true)",
            fmt(a / s),
            "<= 5",
            a <= 5)
        .row("latency p99 ms, watcher", fmt(b), "", "", "<= 15", b <= 15)
        .row(
            "watcher p50 split, ms: drop to launch / launch to exit / exit to done/ seen",
            Trip.format(sp),
            "",
            "",
            "",
            null)
        .row(
            "latency p50 ms, polling every " + fmt(pollInterval * 1000) + " ms",
            fmt(pa),
            "",
            "",
            "<= " + fmt(pollTarget),
            pa <= pollTarget)
        .row("latency p99 ms, polling", fmt(pb), "", "", "", null)
        .row(
            "polling p50 split, ms: drop to launch (the wait for a rescan) / launch to exit / exit"
                + " to done/ seen",
            Trip.format(psp),
            fmt(pollInterval * 1000 / 2) + " (half the interval: the median wait)",
            "",
            "",
            null);
  }

  /**
   * One W2 round trip and where its time went, split at the attempt's {@code started_at} (just
   * before the spawn) and {@code finished_at} (the process and its output ended) from its result
   * record: drop to launch is discovery, claim and the claim's fsync (and in polling mode the wait
   * for the next rescan); launch to exit is the spawn and the run of {@code true}; exit to seen is
   * the result's publication (its fsyncs and the move into done/) and this harness noticing it.
   * Wall-clock instants, all on this machine's clock.
   */
  record Trip(double totalMs, double toLaunchMs, double runMs, double toVisibleMs) {
    static double[] totals(List<Trip> trips) {
      return trips.stream().mapToDouble(Trip::totalMs).toArray();
    }

    /** Medians of the three parts over {@code trips} (they need not add up to the median total). */
    static double[] medianSplit(List<Trip> trips) {
      return new double[] {
        Stats.percentile(trips.stream().mapToDouble(Trip::toLaunchMs).toArray(), 50),
        Stats.percentile(trips.stream().mapToDouble(Trip::runMs).toArray(), 50),
        Stats.percentile(trips.stream().mapToDouble(Trip::toVisibleMs).toArray(), 50)
      };
    }

    static double[] medianOfRuns(List<double[]> runs) {
      double[] out = new double[3];
      for (int k = 0; k < 3; k++) {
        List<Double> v = new ArrayList<>();
        for (double[] r : runs) {
          v.add(r[k]);
        }
        out[k] = Stats.median(v);
      }
      return out;
    }

    static String format(double[] split) {
      return fmt(split[0]) + " / " + fmt(split[1]) + " / " + fmt(split[2]);
    }
  }

  /**
   * An idle worker; drops one task at a time and times until done/ID.json exists. With {@code
   * spreadMillis} > 0 each drop waits 0..spreadMillis first ({@link #spread}): back-to-back drops
   * would otherwise lock onto a polling worker's rescan phase (each task is found by a rescan and
   * the next one dropped right after it, so every drop would wait a whole interval) where a user's
   * drops come at random times.
   */
  List<Trip> latencyRun(String name, int reps, List<String> workerArgs, long spreadMillis)
      throws Exception {
    SpoolLayout layout = freshSpool(name);
    try (Fleet fleet = new Fleet(launcher, layout, work.resolve(name + "-logs"));
        DirWatch done = new DirWatch(layout.dir(TaskState.DONE))) {
      fleet.coordinator();
      fleet.worker(name + "-w1", 4, workerArgs, "");
      Seeder seeder = new Seeder(layout);
      // One untimed round trip first, as the peers' scripts do for connection set-up; then the
      // warm-up batch, and a pause so that the worker and the coordinator are idle again.
      roundTrip(layout, seeder, done, name + "-warm");
      if (warmUp(seeder, done, name, 1) > 0) {
        TimeUnit.SECONDS.sleep(2);
      }
      List<Trip> trips = new ArrayList<>(reps);
      for (int i = 0; i < reps; i++) {
        if (spreadMillis > 0) {
          TimeUnit.MILLISECONDS.sleep(spread(i, spreadMillis));
        }
        trips.add(roundTrip(layout, seeder, done, String.format("%s-%04d", name, i)));
      }
      return trips;
    } finally {
      trash.discard(layout.root());
    }
  }

  /**
   * The pause before drop {@code i}: the fractional parts of i times the golden ratio, which fill
   * 0..max evenly (a low-discrepancy sequence). Random pauses left the polling median at the mercy
   * of where 100 draws happened to fall (its standard error was about 7 ms of a 200 ms interval);
   * evenly spread phases measure the worker's own delay.
   */
  static long spread(int i, long max) {
    double golden = 0.6180339887498949;
    double f = (i + 1) * golden;
    return Math.round((f - Math.floor(f)) * max);
  }

  private static Trip roundTrip(SpoolLayout layout, Seeder seeder, DirWatch done, String id)
      throws Exception {
    Instant dropped = Instant.now();
    long t0 = System.nanoTime();
    seeder.drop(Seeder.task(id, TRUE), System.currentTimeMillis());
    long t1 = done.awaitFile(id + ".json", Duration.ofSeconds(30));
    Instant seen = Instant.now();
    Path file = layout.result(id, 1);
    AttemptResult r =
        SpoolJson.read(file.toString(), Files.readAllBytes(file), AttemptResult.class);
    return new Trip(
        (t1 - t0) / 1e6,
        millisBetween(dropped, r.startedAt()),
        millisBetween(r.startedAt(), r.finishedAt()),
        millisBetween(r.finishedAt(), seen));
  }

  private static double millisBetween(Instant a, Instant b) {
    return Duration.between(a, b).toNanos() / 1e6;
  }

  /** The floor of W2: starting one {@code true} from a warm JVM and waiting for it. */
  static double[] spawnLatencies(int reps) throws Exception {
    double[] ms = new double[reps];
    for (int i = 0; i < reps; i++) {
      long t0 = System.nanoTime();
      Process p =
          new ProcessBuilder("true")
              .redirectOutput(ProcessBuilder.Redirect.DISCARD)
              .redirectError(ProcessBuilder.Redirect.DISCARD)
              .start();
      if (!p.waitFor(30, TimeUnit.SECONDS)) {
        p.destroyForcibly();
        throw new TimeoutException("true did not exit");
      }
      ms[i] = (System.nanoTime() - t0) / 1e6;
    }
    return ms;
  }

  // ---------------------------------------------------------------- W3

  Result w3() throws Exception {
    int n = sizes.sleepTasks();
    double ideal = n * sizes.sleepSeconds() / 4;
    List<Double> walls = new ArrayList<>();
    for (int r = 1; r <= runs; r++) {
      String name = "w3-r" + r;
      SpoolLayout layout = freshSpool(name);
      try (Fleet fleet = new Fleet(launcher, layout, work.resolve(name + "-logs"));
          DirWatch done = new DirWatch(layout.dir(TaskState.DONE))) {
        fleet.coordinator();
        fleet.worker(name + "-w1", 4, List.of(), "");
        List<Task> tasks =
            Seeder.tasks(name, n, List.of("sleep", Double.toString(sizes.sleepSeconds())));
        long t0 = System.nanoTime();
        new Seeder(layout).submit(tasks);
        long t1 = done.awaitCount(n, RUN_LIMIT);
        requireAllDone(layout, n);
        walls.add(seconds(t1 - t0));
      } finally {
        trash.discard(layout.root());
      }
      out.printf(Locale.ROOT, "# W3 run%d wall_s=%.3f ideal_s=%.3f%n", r, walls.get(r - 1), ideal);
    }
    double wall = Stats.median(walls);
    return new Result("W3")
        .put("tasks", n)
        .put("slots", 4)
        .put("sleep_s", sizes.sleepSeconds())
        .put("wall_s", wall)
        .put("ideal_s", ideal)
        .put("ratio", wall / ideal)
        .put("runs", runs)
        .row(
            n + " x sleep " + sizes.sleepSeconds() + " on 4 slots, wall s",
            fmt(wall),
            fmt(ideal) + " (ideal)",
            fmt(wall / ideal),
            "<= 1.10",
            wall / ideal <= 1.10);
  }

  // ---------------------------------------------------------------- W4

  /** Threads of W4's fsync floor: as many as {@code spool submit --file} fsyncs with. */
  static final int FSYNC_FLOOR_THREADS = 32;

  Result w4() throws Exception {
    int n = sizes.batch();
    Path batch = work.resolve("w4-batch.jsonl");
    StringBuilder sb = new StringBuilder();
    for (int i = 0; i < n; i++) {
      sb.append(String.format("{\"id\":\"b-%07d\",\"argv\":[\"true\"]}%n", i));
    }
    Files.writeString(batch, sb, StandardCharsets.UTF_8);
    List<Double> rates = new ArrayList<>();
    List<Double> floors = new ArrayList<>();
    List<Double> durable = new ArrayList<>();
    List<Double> single50 = new ArrayList<>();
    List<Double> single99 = new ArrayList<>();
    List<Double> jvm50 = new ArrayList<>();
    for (int r = 1; r <= runs; r++) {
      Path renameDir = work.resolve("w4-floor-r" + r);
      Path fsyncDir = work.resolve("w4-fsync-floor-r" + r);
      try {
        floors.add(renameFloor(n, renameDir));
        durable.add(FsyncFloor.rate(n, FSYNC_FLOOR_THREADS, fsyncDir));
      } finally {
        trash.discard(renameDir);
        trash.discard(fsyncDir);
      }
      SpoolLayout layout = freshSpool("w4-r" + r);
      try {
        long t0 = System.nanoTime();
        runForOutput(
            List.of(
                launcher.toString(),
                "submit",
                "--spool",
                layout.root().toString(),
                "--file",
                batch.toString()),
            Duration.ofMinutes(10));
        double wall = seconds(System.nanoTime() - t0);
        long pending = count(layout.dir(TaskState.PENDING));
        if (pending != n) {
          throw new IllegalStateException("batch submit left " + pending + " of " + n + " pending");
        }
        rates.add(n / wall);
      } finally {
        trash.discard(layout.root());
      }
      double[] single = singleSubmits(sizes.singleSubmits(), "w4s-r" + r);
      double[] jvm = jvmStarts(sizes.singleSubmits());
      single50.add(Stats.percentile(single, 50));
      single99.add(Stats.percentile(single, 99));
      jvm50.add(Stats.percentile(jvm, 50));
      out.printf(
          Locale.ROOT,
          "# W4 run%d batch_per_s=%.0f floor_per_s=%.0f fsync_floor_per_s=%.0f single_p50_ms=%.1f"
              + " jvm_p50_ms=%.1f%n",
          r,
          rates.get(r - 1),
          floors.get(r - 1),
          durable.get(r - 1),
          single50.get(r - 1),
          jvm50.get(r - 1));
    }
    double rate = Stats.median(rates);
    double floor = Stats.median(floors);
    double fsyncFloor = Stats.median(durable);
    double s50 = Stats.median(single50);
    double j50 = Stats.median(jvm50);
    return new Result("W4")
        .put("tasks", n)
        .put("batch_per_s", rate)
        .put("floor_per_s", floor)
        .put("ratio", rate / floor)
        .put("fsync_floor_per_s", fsyncFloor)
        .put("fsync_floor_threads", FSYNC_FLOOR_THREADS)
        .put("fsync_ratio", rate / fsyncFloor)
        .put("single_p50_ms", s50)
        .put("single_p99_ms", Stats.median(single99))
        .put("jvm_start_p50_ms", j50)
        .put("runs", runs)
        .row(
            "spool submit --file, " + n + " tasks, tasks/s (JVM start included)",
            fmt(rate),
            fmt(floor) + " (write+rename, no fsync)",
            fmt(rate / floor),
            ">= 10000 tasks/s",
            rate >= 10_000)
        .row(
            "same, against files written, fsynced (" + FSYNC_FLOOR_THREADS + " threads), renamed",
            fmt(rate),
            fmt(fsyncFloor) + " (write+fsync+rename+dir fsync)",
            fmt(rate / fsyncFloor),
            "",
            null)
        .row(
            "single spool submit from a shell, p50 ms",
            fmt(s50),
            fmt(j50) + " (JVM start, empty main)",
            fmt(s50 / j50),
            "<= 150",
            s50 <= 150);
  }

  /**
   * Small files written tmp + rename without fsync: what the disk does with no durability. The
   * files stay under {@code dir} for the caller to discard.
   */
  static double renameFloor(int n, Path dir) throws IOException {
    Path tmp = dir.resolve("tmp");
    Path dst = dir.resolve("dst");
    Files.createDirectories(tmp);
    Files.createDirectories(dst);
    byte[] body = new byte[200];
    java.util.Arrays.fill(body, (byte) 'x');
    long t0 = System.nanoTime();
    for (int i = 0; i < n; i++) {
      Path t = tmp.resolve("f" + i);
      Files.write(t, body);
      Files.move(t, dst.resolve("f" + i), StandardCopyOption.ATOMIC_MOVE);
    }
    return n / seconds(System.nanoTime() - t0);
  }

  double[] singleSubmits(int reps, String name) throws Exception {
    SpoolLayout layout = freshSpool(name);
    try {
      double[] ms = new double[reps];
      for (int i = 0; i < reps; i++) {
        long t0 = System.nanoTime();
        runForOutput(
            List.of(
                launcher.toString(), "submit", "--spool", layout.root().toString(), "--", "true"),
            Duration.ofMinutes(1));
        ms[i] = (System.nanoTime() - t0) / 1e6;
      }
      if (count(layout.dir(TaskState.PENDING)) != reps) {
        throw new IllegalStateException("single submits did not all land in pending/");
      }
      return ms;
    } finally {
      trash.discard(layout.root());
    }
  }

  double[] jvmStarts(int reps) throws Exception {
    double[] ms = new double[reps];
    for (int i = 0; i < reps; i++) {
      long t0 = System.nanoTime();
      runForOutput(
          List.of(
              javaBin(),
              "-Xshare:auto",
              "-XX:TieredStopAtLevel=1",
              "-cp",
              System.getProperty("java.class.path"),
              Noop.class.getName()),
          Duration.ofMinutes(1));
      ms[i] = (System.nanoTime() - t0) / 1e6;
    }
    return ms;
  }

  // ---------------------------------------------------------------- W5

  Result w5() throws Exception {
    SpoolLayout pendingSpool = freshSpool("w5-pending");
    SpoolLayout terminalSpool = freshSpool("w5-terminal");
    Result result = new Result("W5");
    try {
      Seeder pending = new Seeder(pendingSpool);
      Seeder terminal = new Seeder(terminalSpool);
      String sample = sampleTerminal(terminalSpool);
      int k = sizes.scaleClaims();
      int seeded = 0;
      int terminalSeeded = 0;
      long base = System.currentTimeMillis() - Duration.ofDays(1).toMillis();
      double firstRate = Double.NaN;
      StringBuilder table = new StringBuilder();
      for (int size : sizes.scale()) {
        // Keep `size` pending through all runs: each run consumes k.
        int want = size + runs * k;
        long t0 = System.nanoTime();
        pending.seedPending("p", seeded, want - seeded, base);
        seeded = want;
        terminal.seedTerminal(sample, "t", terminalSeeded, size - terminalSeeded);
        terminalSeeded = size;
        out.printf(
            Locale.ROOT, "# W5 size=%d seeded in %.1f s%n", size, seconds(System.nanoTime() - t0));
        List<Double> rates = new ArrayList<>();
        List<Double> firsts = new ArrayList<>();
        double peakHeap = 0;
        double liveHeap = 0;
        for (int r = 1; r <= runs; r++) {
          ClaimRun c = claimRun(pendingSpool, "w5-" + size + "-r" + r, k);
          rates.add(c.perSecond());
          firsts.add(c.firstTaskSeconds());
          peakHeap = Math.max(peakHeap, c.peakHeapMb());
          liveHeap = Math.max(liveHeap, c.liveHeapMb());
        }
        double rate = Stats.median(rates);
        if (Double.isNaN(firstRate)) {
          firstRate = rate;
        }
        double status = statusSeconds(pendingSpool);
        double statusTerminal = statusSeconds(terminalSpool);
        double idle = idleCpu(terminalSpool, "w5-idle-" + size);
        double[] page = dashboardList(terminalSpool, "w5-dash-" + size);
        String prefix = "n" + size + "_";
        result
            .put(prefix + "claim_per_s", rate)
            .put(prefix + "first_task_s", Stats.median(firsts))
            .put(prefix + "heap_peak_mb", peakHeap)
            .put(prefix + "heap_live_mb", liveHeap)
            .put(prefix + "status_s", status)
            .put(prefix + "status_terminal_s", statusTerminal)
            .put(prefix + "coord_idle_cpu_pct", idle)
            .put(prefix + "dashboard_listening_s", page[0])
            .put(prefix + "dashboard_list_p50_ms", page[1])
            .put(prefix + "dashboard_list_p99_ms", page[2]);
        table.append(
            String.format(
                Locale.ROOT,
                "| %,d | %s | %s | %s | %s | %s | %s | %s | %s / %s |%n",
                size,
                fmt(rate),
                fmt(rate / firstRate),
                fmt(Stats.median(firsts)),
                fmt(peakHeap) + " / " + fmt(liveHeap),
                fmt(status),
                fmt(statusTerminal),
                fmt(idle),
                fmt(page[1]),
                fmt(page[2])));
        out.printf(
            Locale.ROOT,
            "# W5 size=%d claim_per_s=%.1f first_task_s=%.2f heap_peak_mb=%.0f heap_live_mb=%.0f"
                + " status_s=%.2f status_terminal_s=%.2f coord_idle_cpu_pct=%.2f%n",
            size,
            rate,
            Stats.median(firsts),
            peakHeap,
            liveHeap,
            status,
            statusTerminal,
            idle);
        if (size == sizes.scale().get(sizes.scale().size() - 1)) {
          String at = String.format(Locale.ROOT, "%,d", size);
          int first = sizes.scale().get(0);
          result
              .row(
                  "claim rate at " + at + " pending, tasks/s",
                  fmt(rate),
                  fmt(firstRate) + String.format(Locale.ROOT, " (at %,d pending)", first),
                  fmt(rate / firstRate),
                  ">= 0.50",
                  rate / firstRate >= 0.5)
              .row(
                  "worker heap at " + at + " pending, MB (peak / live after GC)",
                  fmt(peakHeap) + " / " + fmt(liveHeap),
                  "-Xmx256m",
                  "",
                  "<= 256",
                  peakHeap <= 256)
              .row(
                  "spool status at " + at + " pending, s", fmt(status), "", "", "<= 2", status <= 2)
              .row(
                  "spool status at " + at + " terminal, s",
                  fmt(statusTerminal),
                  "",
                  "",
                  "<= 2",
                  statusTerminal <= 2)
              .row(
                  "coordinator idle CPU at " + at + " terminal, % of a core",
                  fmt(idle),
                  "",
                  "",
                  "< 2",
                  idle < 2)
              .row(
                  "dashboard task list at " + at + " terminal, p50 / p99 ms",
                  fmt(page[1]) + " / " + fmt(page[2]),
                  "listening after " + fmt(page[0]) + " s (first index scan)",
                  "",
                  "< 200",
                  page[2] < 200);
        }
      }
      result.appendix(
          "| tasks | claim/s | vs smallest | first task s | worker heap MB peak / live |"
              + " status s (pending) | status s (terminal) | coordinator idle CPU % |"
              + " dashboard list p50 / p99 ms |\n"
              + "| ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |\n"
              + table.toString().strip());
      return result;
    } finally {
      trash.discard(pendingSpool.root());
      trash.discard(terminalSpool.root());
    }
  }

  record ClaimRun(
      double perSecond, double firstTaskSeconds, double peakHeapMb, double liveHeapMb) {}

  /**
   * Starts a worker (heap capped at 256 MB, GC log on) and a coordinator on a spool that already
   * holds the pending tasks, lets the worker run k of them and measures its steady rate between the
   * 10th and the 90th percent of them; also the time to its first finished task (start-up scan).
   */
  ClaimRun claimRun(SpoolLayout layout, String name, int k) throws Exception {
    Path gc = work.resolve(name + "-gc.log");
    try (Fleet fleet = new Fleet(launcher, layout, work.resolve(name + "-logs"));
        DirWatch done = new DirWatch(layout.dir(TaskState.DONE))) {
      long before = done.list();
      fleet.coordinator();
      long t0 = System.nanoTime();
      fleet.worker(name, 4, List.of(), "-Xmx256m -Xlog:gc:file=" + gc);
      long first = done.awaitCount(before + 1, RUN_LIMIT);
      long from = done.awaitCount(before + Math.max(1, k / 10), RUN_LIMIT);
      long to = done.awaitCount(before + k - k / 10, RUN_LIMIT);
      int measured = k - k / 10 - Math.max(1, k / 10);
      double rate = measured / seconds(to - from);
      fleet.stopWorkers();
      double[] heap = gcHeap(gc);
      return new ClaimRun(rate, seconds(first - t0), heap[0], heap[1]);
    }
  }

  private static final Pattern GC_LINE = Pattern.compile("(\\d+)M->(\\d+)M\\((\\d+)M\\)");

  /** [peak before a collection, peak live after one], MB, from a -Xlog:gc file. */
  static double[] gcHeap(Path gcLog) throws IOException {
    double peak = 0;
    double live = 0;
    if (Files.exists(gcLog)) {
      for (String line : Files.readAllLines(gcLog)) {
        Matcher m = GC_LINE.matcher(line);
        if (m.find()) {
          peak = Math.max(peak, Double.parseDouble(m.group(1)));
          live = Math.max(live, Double.parseDouble(m.group(2)));
        }
      }
    }
    return new double[] {peak, live};
  }

  /** Runs one real task so the terminal seed copies files the daemons actually write. */
  String sampleTerminal(SpoolLayout layout) throws Exception {
    String id = "t-sample";
    try (Fleet fleet = new Fleet(launcher, layout, work.resolve("w5-sample-logs"));
        DirWatch done = new DirWatch(layout.dir(TaskState.DONE))) {
      fleet.worker("w5-sample", 1, List.of(), "");
      new Seeder(layout).submit(List.of(Seeder.task(id, TRUE)));
      done.awaitFile(id + ".json", Duration.ofSeconds(60));
    }
    return id;
  }

  double statusSeconds(SpoolLayout layout) throws Exception {
    List<Double> times = new ArrayList<>();
    for (int i = 0; i < sizes.statusReps(); i++) {
      long t0 = System.nanoTime();
      runForOutput(
          List.of(launcher.toString(), "status", "--spool", layout.root().toString()),
          Duration.ofMinutes(5));
      times.add(seconds(System.nanoTime() - t0));
    }
    return Stats.median(times);
  }

  /**
   * Coordinator CPU on an idle spool: started, given time to finish its first passes (its CPU use
   * settles), then sampled over the configured seconds. Percent of one core.
   */
  double idleCpu(SpoolLayout layout, String name) throws Exception {
    try (Fleet fleet = new Fleet(launcher, layout, work.resolve(name + "-logs"))) {
      Daemon c = fleet.coordinator();
      double last = c.cpuSeconds();
      long settleDeadline = System.nanoTime() + Duration.ofMinutes(3).toNanos();
      while (System.nanoTime() < settleDeadline) {
        TimeUnit.SECONDS.sleep(2);
        double now = c.cpuSeconds();
        boolean settled = now - last < 0.1;
        last = now;
        if (settled) {
          break;
        }
      }
      double cpu0 = c.cpuSeconds();
      long t0 = System.nanoTime();
      TimeUnit.SECONDS.sleep(sizes.idleSeconds());
      double cpu1 = c.cpuSeconds();
      c.checkAlive();
      return 100 * (cpu1 - cpu0) / seconds(System.nanoTime() - t0);
    }
  }

  /**
   * Starts {@code spool dashboard} on the terminal spool, waits until it listens (it does so only
   * after its first index scan), then times GETs of the task list page. Returns [seconds until
   * listening, p50 ms, p99 ms].
   */
  double[] dashboardList(SpoolLayout layout, String name) throws Exception {
    int port;
    try (java.net.ServerSocket probe = new java.net.ServerSocket(0)) {
      port = probe.getLocalPort();
    }
    java.net.http.HttpClient http =
        java.net.http.HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    java.net.URI list = java.net.URI.create("http://127.0.0.1:" + port + "/tasks");
    long t0 = System.nanoTime();
    try (Daemon d =
        Daemon.start(
            launcher,
            work.resolve(name + "-logs"),
            "dashboard",
            List.of(
                "dashboard",
                "--spool",
                layout.root().toString(),
                "--port",
                Integer.toString(port),
                "--rescan-seconds",
                "3600"),
            Map.of("SPOOL_JAVA_OPTS", "-Xmx2g"))) {
      long deadline = t0 + Duration.ofMinutes(10).toNanos();
      while (true) {
        d.checkAlive();
        if (listening(port)) {
          break;
        }
        if (System.nanoTime() > deadline) {
          throw new TimeoutException("dashboard did not listen within 10 minutes");
        }
        TimeUnit.MILLISECONDS.sleep(100);
      }
      double listening = seconds(System.nanoTime() - t0);
      java.net.http.HttpRequest get =
          java.net.http.HttpRequest.newBuilder(list).timeout(Duration.ofSeconds(30)).build();
      for (int i = 0; i < 5; i++) {
        page(http, get);
      }
      double[] ms = new double[20];
      for (int i = 0; i < ms.length; i++) {
        long a = System.nanoTime();
        page(http, get);
        ms[i] = (System.nanoTime() - a) / 1e6;
      }
      return new double[] {listening, Stats.percentile(ms, 50), Stats.percentile(ms, 99)};
    }
  }

  private static boolean listening(int port) {
    try (java.net.Socket socket = new java.net.Socket()) {
      socket.connect(new java.net.InetSocketAddress("127.0.0.1", port), 1000);
      return socket.isConnected();
    } catch (IOException notYet) {
      return false;
    }
  }

  private static void page(java.net.http.HttpClient http, java.net.http.HttpRequest get)
      throws Exception {
    java.net.http.HttpResponse<String> r =
        http.send(get, java.net.http.HttpResponse.BodyHandlers.ofString());
    if (r.statusCode() != 200 || !r.body().contains("</html>")) {
      throw new IllegalStateException(get.uri() + " answered " + r.statusCode());
    }
  }

  // ---------------------------------------------------------------- W6

  Result w6() throws Exception {
    int n = sizes.noop();
    List<Double> fleetRates = new ArrayList<>();
    List<Double> singleRates = new ArrayList<>();
    List<Double> lostPerClaim = new ArrayList<>();
    for (int r = 1; r <= runs; r++) {
      NoopRun one = noopRun("w6s-r" + r, n, 1, 8);
      NoopRun four = noopRun("w6f-r" + r, n, 4, 2);
      singleRates.add(one.perSecond());
      fleetRates.add(four.perSecond());
      if (four.claims() > 0) {
        lostPerClaim.add((double) four.lostRaces() / four.claims());
      }
      out.printf(
          Locale.ROOT,
          "# W6 run%d fleet_per_s=%.1f single_per_s=%.1f claims=%d lost_races=%d%n",
          r,
          four.perSecond(),
          one.perSecond(),
          four.claims(),
          four.lostRaces());
    }
    double f = Stats.median(fleetRates);
    double s = Stats.median(singleRates);
    String lost = lostPerClaim.isEmpty() ? "n/a" : fmt(Stats.median(lostPerClaim));
    return new Result("W6")
        .put("tasks", n)
        .put("fleet_per_s", f)
        .put("single_per_s", s)
        .put("ratio", f / s)
        .put("lost_races_per_claim", lost)
        .put("runs", runs)
        .row(
            "4 workers x 2 slots, tasks/s",
            fmt(f),
            fmt(s) + " (1 worker x 8 slots)",
            fmt(f / s),
            "",
            null)
        .row("lost claim races per claim, 4 workers", lost, "", "", "", null);
  }

  // ---------------------------------------------------------------- helpers

  SpoolLayout freshSpool(String name) throws Exception {
    Path root = work.resolve(name);
    trash.discard(root);
    return SpoolLayout.create(root, Instant.now());
  }

  private static void requireAllDone(SpoolLayout layout, int n) throws IOException {
    long done = count(layout.dir(TaskState.DONE));
    long failed = count(layout.dir(TaskState.FAILED)) + count(layout.dir(TaskState.DEAD));
    if (done != n || failed != 0) {
      throw new IllegalStateException(
          layout.root()
              + ": "
              + done
              + " done, "
              + failed
              + " failed/dead, expected "
              + n
              + " done");
    }
  }

  static long count(Path dir) throws IOException {
    try (Stream<Path> s = Files.list(dir)) {
      return s.filter(p -> !p.getFileName().toString().startsWith(".")).count();
    }
  }

  static double seconds(long nanos) {
    return nanos / 1e9;
  }

  /** The median of each series, formatted, joined by " / ". */
  @SafeVarargs
  private static String medians(List<Double>... series) {
    StringBuilder sb = new StringBuilder();
    for (List<Double> x : series) {
      sb.append(sb.length() == 0 ? "" : " / ").append(fmt(Stats.median(x)));
    }
    return sb.toString();
  }

  /** The median of shares between 0 and 1, as a whole percentage. */
  private static String percent(List<Double> shares) {
    return Math.round(100 * Stats.median(shares)) + " %";
  }

  static String fmt(double v) {
    return Result.format(v);
  }

  static String field(String line, String key) {
    Matcher m = Pattern.compile("(?:^|\\s)" + Pattern.quote(key) + "=(\\S+)").matcher(line);
    if (!m.find()) {
      throw new IllegalStateException("no " + key + "= in: " + line);
    }
    return m.group(1);
  }

  static String javaBin() {
    return Path.of(System.getProperty("java.home"), "bin", "java").toString();
  }

  /** Runs a command to completion (bounded), returns its stdout, fails on a non-zero exit. */
  static String runForOutput(List<String> cmd, Duration limit) throws Exception {
    Path outFile = Files.createTempFile("spool-bench", ".out");
    Path errFile = Files.createTempFile("spool-bench", ".err");
    try {
      Process p =
          new ProcessBuilder(cmd)
              .redirectOutput(outFile.toFile())
              .redirectError(errFile.toFile())
              .redirectInput(ProcessBuilder.Redirect.from(Path.of("/dev/null").toFile()))
              .start();
      if (!p.waitFor(limit.toMillis(), TimeUnit.MILLISECONDS)) {
        p.destroyForcibly();
        p.waitFor(10, TimeUnit.SECONDS);
        throw new TimeoutException(String.join(" ", cmd) + " did not finish in " + limit);
      }
      if (p.exitValue() != 0) {
        throw new IllegalStateException(
            String.join(" ", cmd)
                + " exited "
                + p.exitValue()
                + ": "
                + Files.readString(errFile).strip());
      }
      return Files.readString(outFile);
    } finally {
      Files.deleteIfExists(outFile);
      Files.deleteIfExists(errFile);
    }
  }

  static void deleteTree(Path root) throws IOException {
    if (!Files.exists(root)) {
      return;
    }
    // rm is several times faster than a Java walk on a million files and bounded here.
    try {
      runForOutput(List.of("rm", "-rf", "--", root.toString()), Duration.ofMinutes(15));
    } catch (IOException e) {
      throw e;
    } catch (Exception e) {
      throw new IOException("could not delete " + root + ": " + e.getMessage(), e);
    }
  }
}
