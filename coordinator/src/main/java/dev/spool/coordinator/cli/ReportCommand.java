package dev.spool.coordinator.cli;

import dev.spool.coordinator.report.BatchReport;
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
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeSet;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** {@code spool report}: the batch report for tasks chosen by label or id. Exit 0 on success. */
@Command(
    name = "report",
    description = "Summary report of tasks chosen by --label or by id (exit 0 if all succeeded).")
final class ReportCommand implements Callable<Integer> {
  @CommandLine.Spec CommandLine.Model.CommandSpec spec;
  @CommandLine.Mixin SpoolOptions options;

  @CommandLine.Option(names = "--label", paramLabel = "K=V")
  Map<String, String> labels = Map.of();

  @CommandLine.Parameters(paramLabel = "ID", arity = "0..*")
  List<String> ids = new ArrayList<>();

  @Override
  public Integer call() throws IOException {
    SpoolLayout layout = options.open(spec);
    if (ids.isEmpty() && labels.isEmpty()) {
      throw new CommandLine.ParameterException(spec.commandLine(), "give task ids or --label K=V");
    }
    List<String> chosen = new ArrayList<>(ids);
    if (!labels.isEmpty()) {
      chosen.addAll(withLabels(layout, labels));
    }
    BatchReport report = BatchReport.of(layout, chosen, null);
    PrintWriter out = spec.commandLine().getOut();
    if (options.json) {
      out.println(new String(SpoolJson.writeOutput(report.json()), StandardCharsets.UTF_8));
    } else {
      ReportTable.print(out, report);
    }
    out.flush();
    return report.succeeded() ? 0 : 1;
  }

  /** Ids of every task, in any state, whose labels include {@code labels}. Reads each task file. */
  static List<String> withLabels(SpoolLayout layout, Map<String, String> labels)
      throws IOException {
    TreeSet<String> found = new TreeSet<>();
    TaskFiles files = new TaskFiles(layout);
    for (TaskState s : TaskState.values()) {
      try (DirectoryStream<Path> dir = Files.newDirectoryStream(layout.dir(s))) {
        for (Path p : dir) {
          Optional<TaskName> n = layout.parse(s, p.getFileName().toString());
          if (n.isEmpty()) {
            continue;
          }
          try {
            Task t = files.read(p, n.get().id());
            if (t.labels().entrySet().containsAll(labels.entrySet())) {
              found.add(t.id());
            }
          } catch (NoSuchFileException | InvalidInputException e) {
            // moved on meanwhile (it is found in its next state) or not a valid task
          }
        }
      }
    }
    return new ArrayList<>(found);
  }
}
