package dev.spool.coordinator.cli;

import dev.spool.coordinator.submit.TaskLocator;
import dev.spool.protocol.spool.SpoolLayout;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.concurrent.Callable;
import java.util.concurrent.locks.LockSupport;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** {@code spool logs ID}: the captured output of an attempt (default: the latest). */
@Command(
    name = "logs",
    description = "Print a task's captured stdout (or --stderr) of an attempt (default: latest).")
final class LogsCommand implements Callable<Integer> {
  @CommandLine.Spec CommandLine.Model.CommandSpec spec;
  @CommandLine.Mixin SpoolOptions options;

  @CommandLine.Parameters(index = "0", paramLabel = "ID")
  String id;

  @CommandLine.Option(names = "--attempt", paramLabel = "N")
  Integer attempt;

  @CommandLine.Option(names = "--stderr")
  boolean stderr;

  @CommandLine.Option(names = "--follow", description = "Keep printing until the attempt ends.")
  boolean follow;

  @CommandLine.Option(
      names = "--timeout",
      converter = DurationParser.class,
      defaultValue = "24h",
      description = "Stop following after this long.")
  Duration timeout;

  @Override
  public Integer call() throws IOException {
    SpoolLayout layout = options.open(spec);
    TaskLocator locator = new TaskLocator(layout);
    int a = attempt != null ? attempt : latestAttempt(locator);
    if (a < 1) {
      spec.commandLine().getErr().println("spool logs: " + id + " has not run yet");
      return 1;
    }
    Path log = stderr ? layout.stderrLog(id, a) : layout.stdoutLog(id, a);
    PrintWriter out = spec.commandLine().getOut();
    long deadline = System.nanoTime() + timeout.toNanos();
    long offset = 0;
    while (true) {
      offset = copyFrom(log, offset, out);
      boolean ended = Files.exists(layout.result(id, a), LinkOption.NOFOLLOW_LINKS);
      if (!follow || ended || System.nanoTime() - deadline > 0) {
        copyFrom(log, offset, out);
        out.flush();
        return 0;
      }
      LockSupport.parkNanos(200_000_000L);
    }
  }

  private int latestAttempt(TaskLocator locator) throws IOException {
    // Running now: a claim's attempt has no result yet, and its logs appear with its first output.
    return Math.max(locator.lastAttempt(id), locator.claimedAttempt(id));
  }

  private static long copyFrom(Path log, long offset, PrintWriter out) throws IOException {
    if (!Files.isRegularFile(log, LinkOption.NOFOLLOW_LINKS)) {
      return offset;
    }
    try (InputStream in =
        Files.newInputStream(log, StandardOpenOption.READ, LinkOption.NOFOLLOW_LINKS)) {
      in.skipNBytes(Math.min(offset, Files.size(log)));
      byte[] fresh = in.readAllBytes();
      out.print(new String(fresh, StandardCharsets.UTF_8));
      return offset + fresh.length;
    }
  }
}
