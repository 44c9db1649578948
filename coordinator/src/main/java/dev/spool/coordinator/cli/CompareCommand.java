package dev.spool.coordinator.cli;

import dev.spool.coordinator.view.TaskView;
import dev.spool.protocol.json.SpoolJson;
import dev.spool.protocol.result.AttemptResult;
import dev.spool.protocol.result.Usage;
import dev.spool.protocol.spool.SpoolLayout;
import dev.spool.protocol.spool.TaskState;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeSet;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * {@code spool compare GROUP}: the answers of a fan-out group side by side, with each member's
 * state, lane, account, outcome, duration and usage. Members are the tasks named {@code
 * GROUP.<suffix>} whose {@code group} is GROUP (how {@code spool submit --fanout} names them); the
 * answer is the last attempt's {@code logs/ID~A.answer}, cut to {@value #MAX_ANSWER} characters
 * (the full text stays in the log).
 */
@Command(name = "compare", description = "Show the answers of a fan-out group side by side.")
final class CompareCommand implements Callable<Integer> {
  static final int MAX_ANSWER = 50_000;

  @CommandLine.Spec CommandLine.Model.CommandSpec spec;
  @CommandLine.Mixin SpoolOptions options;

  @CommandLine.Parameters(index = "0", paramLabel = "GROUP")
  String group;

  @Override
  public Integer call() throws IOException {
    SpoolLayout layout = options.open(spec);
    List<Map<String, Object>> members = new ArrayList<>();
    for (String id : memberIds(layout, group)) {
      Optional<TaskView> v = TaskView.read(layout, id);
      if (v.isPresent() && group.equals(v.get().task().group())) {
        members.add(member(layout, v.get()));
      }
    }
    PrintWriter out = spec.commandLine().getOut();
    if (members.isEmpty()) {
      spec.commandLine().getErr().println("spool compare: no task of group " + group);
      return 1;
    }
    if (options.json) {
      Map<String, Object> m = new LinkedHashMap<>();
      m.put("group", group);
      m.put("tasks", members);
      out.println(new String(SpoolJson.writeOutput(m), StandardCharsets.UTF_8));
    } else {
      print(out, members);
    }
    out.flush();
    return 0;
  }

  /** Ids of {@code GROUP.*} in every state directory, sorted. */
  static List<String> memberIds(SpoolLayout layout, String group) throws IOException {
    TreeSet<String> ids = new TreeSet<>();
    for (TaskState s : TaskState.values()) {
      try (DirectoryStream<Path> d = Files.newDirectoryStream(layout.dir(s))) {
        for (Path p : d) {
          layout
              .parse(s, p.getFileName().toString())
              .filter(n -> n.id().startsWith(group + "."))
              .ifPresent(n -> ids.add(n.id()));
        }
      } catch (NoSuchFileException e) {
        continue;
      }
    }
    return new ArrayList<>(ids);
  }

  private static Map<String, Object> member(SpoolLayout layout, TaskView v) throws IOException {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("id", v.task().id());
    m.put("state", v.name().state().code());
    m.put("attempts", v.attempts().size());
    AttemptResult last = v.attempts().isEmpty() ? null : v.attempts().get(v.attempts().size() - 1);
    m.put("lane", last != null && last.lane() != null ? last.lane() : v.task().lane());
    m.put("account", last == null ? null : last.account());
    m.put("outcome", last == null ? null : last.outcome().kind().code());
    m.put("classification", last == null ? null : last.classification());
    m.put(
        "duration_seconds",
        last == null || last.duration() == null ? null : last.duration().toMillis() / 1000.0);
    Usage u = last == null ? null : last.usage();
    m.put("usage", u);
    String answer = last == null ? null : answer(layout, v.task().id(), last.attempt());
    boolean cut = answer != null && answer.length() > MAX_ANSWER;
    m.put("answer", cut ? answer.substring(0, MAX_ANSWER) : answer);
    m.put("answer_truncated", cut);
    return m;
  }

  private static String answer(SpoolLayout layout, String id, int attempt) throws IOException {
    try {
      return Files.readString(layout.answerLog(id, attempt), StandardCharsets.UTF_8);
    } catch (NoSuchFileException e) {
      return null;
    }
  }

  private static void print(PrintWriter out, List<Map<String, Object>> members) {
    for (Map<String, Object> m : members) {
      Usage u = (Usage) m.get("usage");
      out.printf(
          "== %s  lane %s  account %s  %s  %s  %ss  tokens in %s out %s  cost %s%n",
          m.get("id"),
          m.get("lane"),
          m.get("account"),
          m.get("state"),
          m.get("classification") != null ? m.get("classification") : m.get("outcome"),
          m.get("duration_seconds"),
          u == null ? "-" : u.inputTokens(),
          u == null ? "-" : u.outputTokens(),
          u == null || u.costUsd() == null ? "-" : "$" + u.costUsd());
      Object a = m.get("answer");
      out.println(a == null ? "(no answer)" : a);
      if (Boolean.TRUE.equals(m.get("answer_truncated"))) {
        out.println("(answer cut at " + MAX_ANSWER + " characters; the full text is in the log)");
      }
      out.println();
    }
  }
}
