package dev.spool.coordinator.cli;

import dev.spool.coordinator.fsck.Finding;
import dev.spool.coordinator.fsck.SpoolChecker;
import dev.spool.protocol.json.SpoolJson;
import dev.spool.protocol.spool.SpoolLayout;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** {@code spool fsck [--repair]}: exit 0 when nothing is left to fix, 1 otherwise. */
@Command(
    name = "fsck",
    description =
        "Check the spool's invariants; --repair fixes what is safe (exit 1 if problems remain).")
final class FsckCommand implements Callable<Integer> {
  @CommandLine.Spec CommandLine.Model.CommandSpec spec;
  @CommandLine.Mixin SpoolOptions options;

  @CommandLine.Option(
      names = "--repair",
      description = "Remove stale temp files and quarantine files outside the grammar.")
  boolean repair;

  private final Clock clock;

  FsckCommand(Clock clock) {
    this.clock = clock;
  }

  @Override
  public Integer call() throws IOException {
    SpoolLayout layout = options.open(spec);
    List<Finding> findings =
        new SpoolChecker(layout, SpoolOptions.files(layout), clock).check(repair);
    PrintWriter out = spec.commandLine().getOut();
    long open = findings.stream().filter(f -> !f.repaired()).count();
    if (options.json) {
      List<Object> rows = new ArrayList<>();
      for (Finding f : findings) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("check", f.check());
        m.put("path", layout.relative(f.path()));
        m.put("detail", f.detail());
        m.put("repaired", f.repaired());
        rows.add(m);
      }
      Map<String, Object> root = new LinkedHashMap<>();
      root.put("ok", open == 0);
      root.put("findings", rows);
      out.println(new String(SpoolJson.writeOutput(root), StandardCharsets.UTF_8));
    } else {
      for (Finding f : findings) {
        out.printf(
            "%s%s %s: %s%n",
            f.repaired() ? "[repaired] " : "", f.check(), layout.relative(f.path()), f.detail());
      }
      out.println(open == 0 ? "spool is consistent" : open + " problem(s) need attention");
    }
    out.flush();
    return open == 0 ? 0 : 1;
  }
}
