package dev.spool.coordinator.cli;

import dev.spool.coordinator.view.LaneRow;
import dev.spool.coordinator.view.LaneRows;
import dev.spool.protocol.json.SpoolJson;
import dev.spool.protocol.lanes.LaneStates;
import dev.spool.protocol.spool.SpoolLayout;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code spool lanes}: every lane and account the fleet knows (registered by workers, or marked):
 * usable, cooling down until when, or disabled; attempts running on it now; quota used and left in
 * each current window; the last error. {@code --clear LANE[/ACCOUNT]} removes cooldown and disabled
 * marks (after an operator renewed the credentials).
 */
@Command(
    name = "lanes",
    description = "Show lanes and accounts; --clear LANE[/ACCOUNT] re-enables.")
final class LanesCommand implements Callable<Integer> {
  @CommandLine.Spec CommandLine.Model.CommandSpec spec;
  @CommandLine.Mixin SpoolOptions options;

  @Option(names = "--clear", paramLabel = "LANE[/ACCOUNT]")
  String clear;

  private final Clock clock;

  LanesCommand(Clock clock) {
    this.clock = clock;
  }

  @Override
  public Integer call() throws IOException {
    SpoolLayout layout = options.open(spec);
    LaneStates states = new LaneStates(layout, SpoolOptions.files(layout));
    PrintWriter out = spec.commandLine().getOut();
    if (clear != null) {
      int slash = clear.indexOf('/');
      String lane = slash < 0 ? clear : clear.substring(0, slash);
      String account = slash < 0 ? null : clear.substring(slash + 1);
      int n;
      try {
        n = states.clear(lane, account);
      } catch (IllegalArgumentException e) {
        spec.commandLine().getErr().println("spool lanes: " + e.getMessage());
        return 2;
      }
      out.println("cleared " + n + " mark(s) of " + clear);
      out.flush();
      return 0;
    }
    List<Map<String, Object>> rows = new ArrayList<>();
    for (LaneRow r : LaneRows.read(layout, SpoolOptions.files(layout), clock.instant())) {
      rows.add(r.json());
    }
    if (options.json) {
      out.println(new String(SpoolJson.writeOutput(Map.of("lanes", rows)), StandardCharsets.UTF_8));
    } else {
      out.printf(
          "%-16s %-16s %-10s %-25s %-28s %-8s %-24s %s%n",
          "LANE",
          "ACCOUNT",
          "STATE",
          "UNTIL",
          "QUOTA (used/limit)",
          "LATENCY",
          "BREAKER",
          "LAST ERROR");
      for (Map<String, Object> r : rows) {
        out.printf(
            "%-16s %-16s %-10s %-25s %-28s %-8s %-24s %s%n",
            r.get("lane"),
            r.get("account"),
            r.get("state"),
            r.get("until") == null ? "-" : r.get("until"),
            r.get("quota_text"),
            r.get("latency_seconds") == null ? "-" : r.get("latency_seconds") + "s",
            r.get("breaker_text"),
            r.get("last_error") == null ? "-" : r.get("last_error"));
      }
    }
    out.flush();
    return 0;
  }
}
