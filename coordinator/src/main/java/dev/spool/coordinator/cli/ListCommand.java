package dev.spool.coordinator.cli;

import dev.spool.protocol.InvalidInputException;
import dev.spool.protocol.json.SpoolJson;
import dev.spool.protocol.spool.SpoolLayout;
import dev.spool.protocol.spool.TaskFiles;
import dev.spool.protocol.spool.TaskName;
import dev.spool.protocol.spool.TaskState;
import dev.spool.protocol.task.Task;
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
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code spool list}: tasks by state, filtered by type and labels. */
@Command(name = "list", description = "List tasks (by state, type, label).")
final class ListCommand implements Callable<Integer> {
  @CommandLine.Spec CommandLine.Model.CommandSpec spec;
  @CommandLine.Mixin SpoolOptions options;

  @Option(
      names = "--state",
      paramLabel = "S",
      description =
          "pending, scheduled, blocked, held, claimed, failed, done, dead, cancelled (default: all).")
  List<String> states = new ArrayList<>();

  @Option(names = "--type", paramLabel = "T")
  String type;

  @Option(names = "--label", paramLabel = "K=V")
  Map<String, String> labels = Map.of();

  @Option(names = "--limit", paramLabel = "N", defaultValue = "100")
  int limit;

  @Override
  public Integer call() throws IOException {
    SpoolLayout layout = options.open(spec);
    List<TaskState> which = new ArrayList<>();
    for (String s : states) {
      TaskState st = TaskState.ofCode(s);
      if (st == null) {
        throw new CommandLine.ParameterException(
            spec.commandLine(), "--state: unknown state '" + s + "'");
      }
      which.add(st);
    }
    if (which.isEmpty()) {
      which.addAll(List.of(TaskState.values()));
    }
    List<Map<String, Object>> rows = new ArrayList<>();
    for (TaskState s : which) {
      collect(layout, s, rows);
    }
    PrintWriter out = spec.commandLine().getOut();
    if (options.json) {
      out.println(new String(SpoolJson.writeOutput(Map.of("tasks", rows)), StandardCharsets.UTF_8));
    } else {
      for (Map<String, Object> r : rows) {
        out.printf(
            "%-40s %-10s %-4s %s%n",
            r.get("id"), r.get("state"), r.get("attempt"), r.getOrDefault("type", ""));
      }
    }
    out.flush();
    return 0;
  }

  private void collect(SpoolLayout layout, TaskState state, List<Map<String, Object>> rows)
      throws IOException {
    boolean needsFile = type != null || !labels.isEmpty();
    TaskFiles files = new TaskFiles(layout);
    try (DirectoryStream<Path> dir = Files.newDirectoryStream(layout.dir(state))) {
      for (Path p : dir) {
        if (rows.size() >= limit) {
          return;
        }
        Optional<TaskName> name = layout.parse(state, p.getFileName().toString());
        if (name.isEmpty()) {
          continue;
        }
        Map<String, Object> row = new LinkedHashMap<>();
        row.put("id", name.get().id());
        row.put("state", state.code());
        row.put("attempt", name.get().attempt() == 0 ? null : name.get().attempt());
        if (needsFile) {
          Task t;
          try {
            t = files.read(p, name.get().id());
          } catch (NoSuchFileException | InvalidInputException e) {
            continue; // moved meanwhile, or not a valid task (intake quarantines it)
          }
          if ((type != null && !type.equals(t.type()))
              || !t.labels().entrySet().containsAll(labels.entrySet())) {
            continue;
          }
          row.put("type", t.type());
        }
        rows.add(row);
      }
    }
  }
}
