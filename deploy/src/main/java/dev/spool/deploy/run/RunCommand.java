package dev.spool.deploy.run;

import dev.spool.coordinator.cli.ReportTable;
import dev.spool.coordinator.deps.SpoolTaskIds;
import dev.spool.coordinator.submit.BatchFile;
import dev.spool.coordinator.submit.TaskIds;
import dev.spool.protocol.InvalidInputException;
import dev.spool.protocol.fs.AtomicFiles;
import dev.spool.protocol.fs.FileOps;
import dev.spool.protocol.json.SpoolJson;
import dev.spool.protocol.spool.SpoolFormatException;
import dev.spool.protocol.spool.SpoolLayout;
import dev.spool.protocol.spool.TaskState;
import dev.spool.worker.StartupException;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code spool run FILE}: the whole queue on one machine for one batch. Exit 0 when every task
 * succeeded, 1 otherwise, 2 for an invalid batch, 124 when the run timed out.
 */
@Command(
    name = "run",
    description =
        "Run a batch end to end on a local spool with an in-process coordinator and workers.")
public final class RunCommand implements Callable<Integer> {
  private static final DateTimeFormatter RUN_STAMP =
      DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss").withZone(ZoneOffset.UTC);

  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Parameters(
      index = "0",
      paramLabel = "FILE",
      description = "A batch: {\"tasks\":[...],\"config\":{...}} or JSON lines.")
  Path file;

  @Option(
      names = "--workers",
      paramLabel = "N",
      description = "Workers (default: config.max_workers, else the number of cores).")
  Integer workers;

  @Option(
      names = "--spool",
      paramLabel = "DIR",
      description = "Spool to create or reuse (default: $SPOOL_DIR, else ./spool-data).",
      defaultValue = "${env:SPOOL_DIR}")
  Path spool;

  @Option(names = "--json", description = "Print the JSON report on stdout instead of the table.")
  boolean json;

  @Option(
      names = "--report",
      paramLabel = "FILE",
      defaultValue = "spool-report.json",
      description = "Where to write the JSON report (default: ${DEFAULT-VALUE}).")
  Path reportFile;

  @Option(
      names = "--timeout",
      paramLabel = "D",
      defaultValue = "PT24H",
      description = "Give up after this long (ISO-8601 or seconds; default 24 h).")
  String timeout;

  private final Clock clock;

  public RunCommand(Clock clock) {
    this.clock = clock;
  }

  @Override
  public Integer call() throws IOException, InterruptedException {
    PrintWriter err = spec.commandLine().getErr();
    SpoolLayout layout;
    try {
      layout = SpoolLayout.create(spool != null ? spool : BatchRun.defaultSpool(), clock.instant());
    } catch (SpoolFormatException e) {
      err.println("spool run: " + e.getMessage());
      return 2;
    }
    BatchFile batch;
    try {
      TaskIds ids = TaskIds.forProcess(clock);
      batch =
          BatchFile.parse(
              file.toString(),
              Files.readAllBytes(file),
              ids::next,
              clock.instant(),
              SpoolTaskIds.existsIn(layout));
    } catch (InvalidInputException e) {
      err.println("spool run: " + e.getMessage());
      return 2;
    }
    String runId =
        "r"
            + RUN_STAMP.format(clock.instant())
            + "-"
            + Integer.toHexString(new SecureRandom().nextInt(1 << 16));
    RunPlan plan = RunPlan.of(runId, batch.tasks());
    int n =
        workers != null
            ? workers
            : batch.maxWorkers() != null
                ? batch.maxWorkers()
                : Runtime.getRuntime().availableProcessors();
    boolean tty = System.console() != null && !json;
    err.println(
        "spool run: "
            + plan.tasks().size()
            + " task(s), "
            + n
            + " worker(s), spool "
            + layout.root()
            + ", run "
            + runId);
    Map<String, Object> report;
    try {
      report = new BatchRun(layout, clock, n).run(plan, parseTimeout(), p -> progress(err, p, tty));
    } catch (StartupException e) {
      err.println("spool run: a worker could not start: " + e.getMessage());
      return 1;
    }
    if (tty) {
      err.println();
    }
    byte[] bytes = SpoolJson.writeOutput(report);
    AtomicFiles out =
        new AtomicFiles(FileOps.real(), reportFile.toAbsolutePath().getParent(), true);
    out.replace(reportFile.toAbsolutePath(), bytes);
    PrintWriter stdout = spec.commandLine().getOut();
    if (json) {
      stdout.println(new String(bytes, StandardCharsets.UTF_8));
    } else {
      ReportTable.print(stdout, report);
      stdout.println("report: " + reportFile);
    }
    stdout.flush();
    if (report.containsKey("timed_out")) {
      return 124;
    }
    return "success".equals(report.get("status")) ? 0 : 1;
  }

  private Duration parseTimeout() {
    try {
      return timeout.startsWith("P")
          ? Duration.parse(timeout)
          : Duration.ofMillis(Math.round(Double.parseDouble(timeout) * 1000));
    } catch (RuntimeException e) {
      throw new CommandLine.ParameterException(
          spec.commandLine(), "--timeout: '" + timeout + "' is not a duration");
    }
  }

  private static void progress(PrintWriter err, BatchRun.Progress p, boolean tty) {
    if (tty) {
      int width = 30;
      int filled = p.ended() * width / Math.max(1, p.total());
      err.printf(
          "\r[%s%s] %d/%d ended, %d failed",
          "#".repeat(filled),
          ".".repeat(width - filled),
          p.ended(),
          p.total(),
          p.ended() - p.succeeded());
    } else {
      err.printf(
          "%-9s %s (%d/%d)%n",
          p.state() == TaskState.DONE ? "done" : p.state().code(), p.task(), p.ended(), p.total());
    }
    err.flush();
  }
}
