package dev.spool.coordinator.cli;

import dev.spool.protocol.json.SpoolJson;
import dev.spool.protocol.lanes.AccountEntry;
import dev.spool.protocol.lanes.LaneMark;
import dev.spool.protocol.lanes.LaneObservation;
import dev.spool.protocol.lanes.LaneStates;
import dev.spool.protocol.lanes.QuotaRule;
import dev.spool.protocol.lanes.QuotaSlots;
import dev.spool.protocol.spool.SpoolLayout;
import dev.spool.protocol.spool.TaskName;
import dev.spool.protocol.spool.TaskState;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code spool lanes}: every lane and account the fleet knows (registered by workers, or marked):
 * usable, cooling down until when, or disabled; attempts running on it now; quota used and left
 * (sliding window or month); the lane's fleet-wide moving latency and each worker's circuit breaker
 * (from {@code state/lane-workers/}); the last error. {@code --clear LANE[/ACCOUNT]} removes
 * cooldown and disabled marks (after an operator renewed the credentials).
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
    QuotaSlots quotas = new QuotaSlots(layout, SpoolOptions.files(layout));
    List<Map<String, Object>> rows = new ArrayList<>();
    Instant now = clock.instant();
    Map<String, Integer> inUse = inUse(layout);
    for (String lane : states.lanes()) {
      Map<String, AccountEntry> registered = new LinkedHashMap<>();
      states.accounts(lane).forEach(a -> registered.put(a.account(), a));
      List<LaneObservation> seen = states.observations(lane);
      Duration latency = LaneStates.fleetLatency(seen, now).orElse(null);
      List<Map<String, Object>> breakers = breakers(seen, now);
      for (String account : states.accountNames(lane)) {
        Map<String, Object> r = row(states, quotas, lane, account, registered.get(account), now);
        r.put("in_use", inUse.getOrDefault(lane + " " + account, 0));
        r.put("latency_seconds", latency == null ? null : latency.toMillis() / 1000.0);
        r.put("breakers", breakers);
        r.put("breaker_text", breakerText(breakers));
        rows.add(r);
      }
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

  private static Map<String, Object> row(
      LaneStates states,
      QuotaSlots quotas,
      String lane,
      String account,
      AccountEntry entry,
      Instant now)
      throws IOException {
    Map<String, Object> r = new LinkedHashMap<>();
    r.put("lane", lane);
    r.put("account", account);
    Optional<LaneMark> disabled = states.disabled(lane, account);
    Optional<LaneMark> cooldown = states.cooldown(lane, account);
    boolean cooling = cooldown.isPresent() && cooldown.get().until().isAfter(now);
    r.put("state", disabled.isPresent() ? "disabled" : cooling ? "cooling" : "usable");
    r.put("until", cooling ? cooldown.get().until() : null);
    LaneMark last = disabled.orElse(cooldown.orElse(null));
    r.put(
        "last_error", last == null ? null : last.classification() + ": " + oneLine(last.reason()));
    List<Map<String, Object>> q = new ArrayList<>();
    StringBuilder text = new StringBuilder();
    for (QuotaRule rule : entry == null ? List.<QuotaRule>of() : entry.quotas()) {
      int used = quotas.used(lane, account, rule, now);
      Map<String, Object> m = new LinkedHashMap<>();
      m.put("name", rule.name());
      m.put("used", used);
      m.put("limit", rule.requests());
      m.put("left", Math.max(0, rule.requests() - used));
      m.put("resets_at", quotas.freeAt(lane, account, rule, now));
      q.add(m);
      text.append(text.length() == 0 ? "" : " ")
          .append(rule.name())
          .append(' ')
          .append(used)
          .append('/')
          .append(rule.requests());
    }
    r.put("quota", q);
    r.put("quota_text", text.length() == 0 ? "-" : text.toString());
    r.put("registered_by", entry == null ? null : entry.worker());
    return r;
  }

  /** Each worker's breaker of a lane as of {@code now} (open past its cool-off = half open). */
  private static List<Map<String, Object>> breakers(List<LaneObservation> seen, Instant now) {
    List<Map<String, Object>> out = new ArrayList<>();
    for (LaneObservation o : seen) {
      Map<String, Object> m = new LinkedHashMap<>();
      m.put("worker", o.worker());
      m.put("state", o.breakerAt(now));
      m.put("failures_in_a_row", o.failuresInARow());
      m.put("open_until", "open".equals(o.breakerAt(now)) ? o.openUntil() : null);
      m.put("at", o.at());
      out.add(m);
    }
    return out;
  }

  /** "closed", or the workers whose breaker is not closed: "open w1, half_open w2". */
  private static String breakerText(List<Map<String, Object>> breakers) {
    StringBuilder b = new StringBuilder();
    for (Map<String, Object> m : breakers) {
      if (!"closed".equals(m.get("state"))) {
        b.append(b.length() == 0 ? "" : ", ")
            .append(m.get("state"))
            .append(' ')
            .append(m.get("worker"));
      }
    }
    return b.length() == 0 ? "closed" : b.toString();
  }

  /** Running attempts per "LANE ACCOUNT", from claimed/ and each attempt's lane log. */
  private static Map<String, Integer> inUse(SpoolLayout layout) throws IOException {
    Map<String, Integer> out = new java.util.HashMap<>();
    try (java.nio.file.DirectoryStream<java.nio.file.Path> d =
        java.nio.file.Files.newDirectoryStream(layout.dir(TaskState.CLAIMED))) {
      for (java.nio.file.Path p : d) {
        Optional<TaskName> n = layout.parse(TaskState.CLAIMED, p.getFileName().toString());
        if (n.isEmpty()) {
          continue;
        }
        try {
          String line =
              java.nio.file.Files.readString(layout.laneLog(n.get().id(), n.get().attempt()))
                  .strip();
          out.merge(line, 1, Integer::sum);
        } catch (java.nio.file.NoSuchFileException e) {
          continue; // not a lane task, or the attempt has not started its CLI yet
        }
      }
    }
    return out;
  }

  private static String oneLine(String s) {
    if (s == null) {
      return "";
    }
    String t = s.replace('\n', ' ').strip();
    return t.length() <= 120 ? t : t.substring(0, 117) + "...";
  }
}
