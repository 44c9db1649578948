package dev.spool.chaos;

import dev.spool.protocol.json.SpoolJson;
import dev.spool.protocol.result.AttemptResult;
import dev.spool.protocol.result.Outcome;
import dev.spool.protocol.spool.SpoolLayout;
import dev.spool.protocol.spool.TaskName;
import dev.spool.protocol.spool.TaskState;
import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The global checks of a scenario, from the spool and the markers alone (Jepsen's checker): each
 * submitted task in exactly one state and, once settled, the terminal state it must reach; result
 * records contiguous per attempt, none for an unknown task, at most one success accepted per task;
 * no attempt run twice; every re-execution explained by a fault (the earlier attempt's record says
 * lost or handed back); a result that reached results/ never redone.
 */
final class Invariants {
  private static final Pattern RESULT = Pattern.compile("(.+)~(\\d+)\\.json");
  private static final Pattern STALE = Pattern.compile("(.+)~(\\d+)~.+\\.stale\\.json");
  private static final Pattern END = Pattern.compile("(.+)~end\\.json");

  private Invariants() {}

  /** What the checker found. */
  record Report(
      int tasks,
      Map<TaskState, Integer> states,
      int lost,
      int duplicateAccepted,
      int reexecutions,
      int lostAttempts,
      int staleResults,
      int retries,
      List<String> violations) {

    int waiting() {
      return states.entrySet().stream()
          .filter(e -> !e.getKey().isTerminal())
          .mapToInt(Map.Entry::getValue)
          .sum();
    }
  }

  /**
   * Checks the spool against the submitted tasks.
   *
   * @param expected each submitted id and the terminal state it must reach
   * @param runs the attempts each task actually ran (markers), in order
   * @param settled true when every task must be terminal now
   */
  static Report check(
      SpoolLayout layout,
      Map<String, TaskState> expected,
      Map<String, List<Integer>> runs,
      Set<String> unmarked,
      boolean settled)
      throws Exception {
    List<String> v = new ArrayList<>();
    Map<String, List<TaskState>> where = locate(layout);
    Map<TaskState, Integer> states = new EnumMap<>(TaskState.class);
    int lost = 0;
    for (Map.Entry<String, TaskState> e : expected.entrySet()) {
      List<TaskState> at = where.getOrDefault(e.getKey(), List.of());
      if (at.isEmpty()) {
        lost++;
        v.add("lost: " + e.getKey() + " is in no state directory");
        continue;
      }
      if (at.size() > 1) {
        v.add("in " + at.size() + " states: " + e.getKey() + " " + at);
      }
      states.merge(at.get(0), 1, Integer::sum);
      if (at.get(0).isTerminal() && at.get(0) != e.getValue()) {
        v.add("wrong end: " + e.getKey() + " in " + at.get(0) + ", expected " + e.getValue());
      }
      if (settled && !at.get(0).isTerminal()) {
        v.add("not settled: " + e.getKey() + " still in " + at.get(0));
      }
    }
    for (String id : where.keySet()) {
      if (!expected.containsKey(id)) {
        v.add("unknown task in the spool: " + id + " " + where.get(id));
      }
    }
    Results r = results(layout, expected.keySet(), v);
    int dupes = 0;
    int reexec = 0;
    int lostAttempts = 0;
    int retries = 0;
    for (String id : expected.keySet()) {
      Map<Integer, AttemptResult> rs = r.accepted.getOrDefault(id, new TreeMap<>());
      int a = 1;
      for (int attempt : rs.keySet()) {
        if (attempt != a++) {
          v.add("attempts not contiguous: " + id + " has results for " + rs.keySet());
          break;
        }
      }
      long ok =
          rs.values().stream().filter(x -> x.outcome().kind() == Outcome.Kind.SUCCEEDED).count();
      if (ok > 1) {
        dupes++;
        v.add("duplicate accepted: " + id + " succeeded in attempts " + rs.keySet());
      }
      List<Integer> ran = runs.getOrDefault(id, List.of());
      if (ran.size() != Set.copyOf(ran).size()) {
        v.add("same attempt ran twice: " + id + " ran " + ran);
      }
      for (AttemptResult x : rs.values()) {
        Outcome.Kind k = x.outcome().kind();
        if (k == Outcome.Kind.LOST || k == Outcome.Kind.HANDED_BACK) {
          lostAttempts++;
        } else if (x.countsAsFailure()) {
          retries++;
        }
        if (k == Outcome.Kind.SUCCEEDED) {
          int done = x.attempt();
          ran.stream()
              .filter(n -> n > done)
              .findFirst()
              .ifPresent(
                  n -> v.add("redone after success: " + id + " attempt " + done + " then " + n));
        }
      }
      for (int attempt : ran) {
        Optional<AttemptResult> rec = Optional.ofNullable(rs.get(attempt));
        boolean last = attempt == ran.get(ran.size() - 1);
        if (last) {
          continue;
        }
        boolean explained =
            rec.map(x -> x.outcome().kind() != Outcome.Kind.SUCCEEDED).orElse(false);
        if (rec.map(x -> x.countsAsFailure()).orElse(false) == Boolean.FALSE && explained) {
          reexec++; // ran again because a fault cost the earlier attempt (lost, handed back)
        }
        if (!explained) {
          v.add("re-execution without a fault: " + id + " ran " + ran + ", results " + rs.keySet());
        }
      }
      if (where.getOrDefault(id, List.of()).contains(TaskState.DONE)) {
        Optional<AttemptResult> success =
            rs.values().stream()
                .filter(x -> x.outcome().kind() == Outcome.Kind.SUCCEEDED)
                .findFirst();
        if (success.isEmpty()) {
          v.add("done without a successful result: " + id + " " + rs.keySet());
        } else if (!unmarked.contains(id) && !ran.contains(success.get().attempt())) {
          v.add("done but its attempt never ran: " + id + " ran " + ran);
        }
      }
    }
    return new Report(
        expected.size(), states, lost, dupes, reexec, lostAttempts, r.stale, retries, v);
  }

  private record Results(Map<String, Map<Integer, AttemptResult>> accepted, int stale) {}

  private static Results results(SpoolLayout layout, Set<String> known, List<String> v)
      throws Exception {
    Map<String, Map<Integer, AttemptResult>> accepted = new TreeMap<>();
    int stale = 0;
    try (DirectoryStream<Path> s = Files.newDirectoryStream(layout.results())) {
      for (Path p : s) {
        String name = p.getFileName().toString();
        Matcher st = STALE.matcher(name);
        Matcher end = END.matcher(name);
        Matcher res = RESULT.matcher(name);
        String id;
        if (st.matches()) {
          id = st.group(1);
          stale++;
        } else if (end.matches()) {
          id = end.group(1);
        } else if (res.matches()) {
          id = res.group(1);
          AttemptResult x = SpoolJson.read(name, Files.readAllBytes(p), AttemptResult.class);
          accepted.computeIfAbsent(id, k -> new TreeMap<>()).put(Integer.parseInt(res.group(2)), x);
        } else {
          v.add("unexpected file in results/: " + name);
          continue;
        }
        if (!known.contains(id)) {
          v.add("result for an unknown task: results/" + name);
        }
      }
    }
    return new Results(accepted, stale);
  }

  /** Every task id found in a state directory, with the states it is in. */
  static Map<String, List<TaskState>> locate(SpoolLayout layout) throws IOException {
    Map<String, List<TaskState>> out = new TreeMap<>();
    for (TaskState state : TaskState.values()) {
      try (DirectoryStream<Path> s = Files.newDirectoryStream(layout.dir(state))) {
        for (Path p : s) {
          Optional<TaskName> n = layout.parse(state, p.getFileName().toString());
          if (n.isPresent()) {
            out.computeIfAbsent(n.get().id(), k -> new ArrayList<>()).add(state);
          }
        }
      }
    }
    return out;
  }

  /** True when every expected task is in a terminal state. */
  static boolean settled(SpoolLayout layout, Set<String> ids) {
    try {
      Map<String, List<TaskState>> where = locate(layout);
      return ids.stream()
          .allMatch(
              id -> {
                List<TaskState> at = where.get(id);
                return at != null && at.size() == 1 && at.get(0).isTerminal();
              });
    } catch (IOException e) {
      return false;
    }
  }
}
