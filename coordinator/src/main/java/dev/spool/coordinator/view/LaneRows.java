package dev.spool.coordinator.view;

import dev.spool.protocol.fs.AtomicFiles;
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
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Reads every lane account the fleet knows (registered by a worker, or only marked) from {@code
 * state/lanes/}, the quota windows under it, and the running attempts in claimed/: what {@code
 * spool lanes} prints and the dashboard shows. Costs one listing of the lane state, one of
 * claimed/, and one small read per account file, quota window and running attempt.
 *
 * <p>Bad input: a lane or account whose name is outside the grammar, or whose file does not decode,
 * is a row in state {@code unreadable} with the reason, never a failure of the listing.
 *
 * <p>Races: a mark or claim that vanishes between list and read (an operator's clear, an attempt
 * that ended) reads as absent. Stateless; thread-safe.
 */
public final class LaneRows {
  private final LaneStates states;
  private final QuotaSlots quotas;
  private final Instant now;

  private LaneRows(SpoolLayout layout, AtomicFiles files, Instant now) {
    this.states = new LaneStates(layout, files);
    this.quotas = new QuotaSlots(layout, files);
    this.now = now;
  }

  /** Every lane account, sorted by lane then account, as of {@code now}. */
  public static List<LaneRow> read(SpoolLayout layout, AtomicFiles files, Instant now)
      throws IOException {
    return new LaneRows(layout, files, now).rows(inUse(layout));
  }

  private List<LaneRow> rows(Map<String, Integer> inUse) throws IOException {
    List<LaneRow> rows = new ArrayList<>();
    for (String lane : states.lanes()) {
      Double latency = null;
      List<LaneRow.Breaker> breakers = List.of();
      try {
        List<LaneObservation> seen = states.observations(lane);
        latency = LaneStates.fleetLatency(seen, now).map(d -> d.toMillis() / 1000.0).orElse(null);
        breakers = breakers(seen);
      } catch (IOException | IllegalArgumentException e) {
        // observations are advisory: a damaged one leaves latency and breakers unknown
      }
      List<String> accounts;
      try {
        accounts = states.accountNames(lane);
      } catch (IllegalArgumentException e) {
        rows.add(unreadable(lane, "", e));
        continue;
      }
      for (String account : accounts) {
        int running = inUse.getOrDefault(lane + " " + account, 0);
        try {
          rows.add(
              row(
                  lane,
                  account,
                  states.account(lane, account).orElse(null),
                  running,
                  latency,
                  breakers));
        } catch (IOException | IllegalArgumentException e) {
          rows.add(unreadable(lane, account, e));
        }
      }
    }
    return rows;
  }

  /** A name outside the grammar or a damaged file: shown as such, never a failure of the whole. */
  private static LaneRow unreadable(String lane, String account, Exception e) {
    return new LaneRow(
        lane,
        account,
        LaneRow.UNREADABLE,
        null,
        oneLine(e.getMessage()),
        List.of(),
        null,
        0,
        null,
        List.of());
  }

  private LaneRow row(
      String lane,
      String account,
      AccountEntry entry,
      int inUse,
      Double latency,
      List<LaneRow.Breaker> breakers)
      throws IOException {
    Optional<LaneMark> disabled = states.disabled(lane, account);
    Optional<LaneMark> cooldown = states.cooldown(lane, account);
    boolean cooling = cooldown.isPresent() && cooldown.get().until().isAfter(now);
    String state =
        disabled.isPresent() ? LaneRow.DISABLED : cooling ? LaneRow.COOLING : LaneRow.USABLE;
    LaneMark last = disabled.orElse(cooldown.orElse(null));
    String lastError = last == null ? null : last.classification() + ": " + oneLine(last.reason());
    List<LaneRow.Quota> q = new ArrayList<>();
    for (QuotaRule rule : entry == null ? List.<QuotaRule>of() : entry.quotas()) {
      int used = quotas.used(lane, account, rule, now);
      q.add(
          new LaneRow.Quota(
              rule.name(), used, rule.requests(), quotas.freeAt(lane, account, rule, now)));
    }
    return new LaneRow(
        lane,
        account,
        state,
        cooling ? cooldown.get().until() : null,
        lastError,
        q,
        entry == null ? null : entry.worker(),
        inUse,
        latency,
        breakers);
  }

  /** Each worker's breaker of a lane as of {@code now} (open past its cool-off = half open). */
  private List<LaneRow.Breaker> breakers(List<LaneObservation> seen) {
    List<LaneRow.Breaker> out = new ArrayList<>();
    for (LaneObservation o : seen) {
      String state = o.breakerAt(now);
      out.add(
          new LaneRow.Breaker(
              o.worker(),
              state,
              o.failuresInARow(),
              "open".equals(state) ? o.openUntil() : null,
              o.at()));
    }
    return out;
  }

  /** Running attempts per "LANE ACCOUNT", from claimed/ and each attempt's lane log. */
  private static Map<String, Integer> inUse(SpoolLayout layout) throws IOException {
    Map<String, Integer> out = new HashMap<>();
    try (DirectoryStream<Path> d = Files.newDirectoryStream(layout.dir(TaskState.CLAIMED))) {
      for (Path p : d) {
        Optional<TaskName> n = layout.parse(TaskState.CLAIMED, p.getFileName().toString());
        if (n.isEmpty()) {
          continue;
        }
        try {
          String line = Files.readString(layout.laneLog(n.get().id(), n.get().attempt())).strip();
          out.merge(line, 1, Integer::sum);
        } catch (NoSuchFileException e) {
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
