package dev.spool.coordinator.dashboard;

import dev.spool.coordinator.view.LaneRow;
import dev.spool.coordinator.view.LaneRows;
import dev.spool.coordinator.view.SpoolSnapshot;
import dev.spool.coordinator.view.WorkerView;
import dev.spool.protocol.fs.AtomicFiles;
import dev.spool.protocol.fs.FileOps;
import dev.spool.protocol.fs.FileSystemClock;
import dev.spool.protocol.spool.SpoolLayout;
import dev.spool.protocol.spool.TaskState;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code spool metrics}: the gauges of {@code /metrics} (tasks per state, live workers, slots,
 * oldest pending age) read once from the spool, for node_exporter's textfile collector. Attempt
 * counters and histograms need a process that watches over time and come from {@code spool
 * dashboard}'s /metrics only. The file is replaced atomically (temp sibling, fsync, rename), so the
 * collector never reads half of it.
 */
@Command(
    name = "metrics",
    mixinStandardHelpOptions = true,
    description = "Print the spool's gauges in the Prometheus text format, or write --textfile.")
public final class MetricsCommand implements Callable<Integer> {
  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Option(
      names = "--spool",
      paramLabel = "DIR",
      description = "The spool directory (default: $SPOOL_DIR).",
      defaultValue = "${env:SPOOL_DIR}")
  Path spool;

  @Option(
      names = "--textfile",
      paramLabel = "FILE",
      description = "Write to FILE atomically (e.g. /var/lib/node_exporter/spool.prom).")
  Path textfile;

  @Override
  public Integer call() throws IOException {
    if (spool == null) {
      throw new CommandLine.ParameterException(
          spec.commandLine(), "no spool: give --spool DIR or set SPOOL_DIR");
    }
    byte[] text = render(Spools.open(spool));
    if (textfile == null) {
      spec.commandLine().getOut().print(new String(text, StandardCharsets.UTF_8));
      spec.commandLine().getOut().flush();
    } else {
      writeAtomically(textfile, text);
    }
    return 0;
  }

  static byte[] render(SpoolLayout layout) throws IOException {
    SpoolSnapshot snap = SpoolSnapshot.read(layout);
    long now = FileSystemClock.nowMillis(layout.tmp());
    List<LaneRow> lanes =
        LaneRows.read(
            layout, new AtomicFiles(FileOps.real(), layout.tmp(), true), Instant.ofEpochMilli(now));
    List<WorkerView> live = snap.workers().stream().filter(WorkerView::alive).toList();
    SpoolMetrics m =
        new SpoolMetrics(
            new SpoolMetrics.Source() {
              @Override
              public Map<TaskState, Long> counts() {
                return snap.counts();
              }

              @Override
              public long liveWorkers() {
                return live.size();
              }

              @Override
              public long busySlots() {
                return live.stream().mapToLong(w -> w.heartbeat().slotsUsed()).sum();
              }

              @Override
              public long totalSlots() {
                return live.stream().mapToLong(w -> w.heartbeat().slotsTotal()).sum();
              }

              @Override
              public OptionalLong oldestPendingAgeMillis() {
                OptionalLong e = snap.oldestPendingEnqueuedMillis();
                return e.isEmpty()
                    ? OptionalLong.empty()
                    : OptionalLong.of(Math.max(0, now - e.getAsLong()));
              }

              @Override
              public List<LaneRow> lanes() {
                return lanes;
              }

              @Override
              public Instant now() {
                return Instant.ofEpochMilli(now);
              }
            },
            false);
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    m.write(out);
    return out.toByteArray();
  }

  /** Temp sibling (not *.prom, so the collector skips it), fsync, rename over the target. */
  static void writeAtomically(Path target, byte[] bytes) throws IOException {
    Path abs = target.toAbsolutePath();
    Path tmp =
        abs.resolveSibling("." + abs.getFileName() + "." + ProcessHandle.current().pid() + ".tmp");
    try {
      try (FileChannel ch =
          FileChannel.open(
              tmp,
              StandardOpenOption.CREATE,
              StandardOpenOption.TRUNCATE_EXISTING,
              StandardOpenOption.WRITE)) {
        ch.write(java.nio.ByteBuffer.wrap(bytes));
        ch.force(true);
      }
      Files.move(tmp, abs, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    } finally {
      Files.deleteIfExists(tmp);
    }
  }
}
