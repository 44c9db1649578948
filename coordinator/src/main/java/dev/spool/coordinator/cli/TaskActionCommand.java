package dev.spool.coordinator.cli;

import dev.spool.coordinator.ops.ActionResult;
import dev.spool.coordinator.ops.OperatorActions;
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

/**
 * cancel, hold, release and retry: one action on one or more task ids. Exit 1 if any was refused.
 */
abstract class TaskActionCommand implements Callable<Integer> {
  @CommandLine.Spec CommandLine.Model.CommandSpec spec;
  @CommandLine.Mixin SpoolOptions options;

  @CommandLine.Parameters(paramLabel = "ID", arity = "1..*")
  List<String> ids = new ArrayList<>();

  private final Clock clock;

  TaskActionCommand(Clock clock) {
    this.clock = clock;
  }

  abstract ActionResult act(OperatorActions actions, String id) throws IOException;

  @Override
  public Integer call() throws IOException {
    SpoolLayout layout = options.open(spec);
    String who = "operator " + System.getProperty("user.name", "?") + "@" + HostName.get();
    OperatorActions actions = new OperatorActions(layout, SpoolOptions.files(layout), clock, who);
    PrintWriter out = spec.commandLine().getOut();
    int exit = 0;
    List<Object> json = new ArrayList<>();
    for (String id : ids) {
      ActionResult r = act(actions, id);
      Map<String, Object> row = new LinkedHashMap<>();
      row.put("id", id);
      String text;
      if (r instanceof ActionResult.Moved) {
        TaskStateNames n = TaskStateNames.of(((ActionResult.Moved) r).now());
        row.put("result", "moved");
        row.put("state", n.state());
        text = id + ": now " + n.state();
      } else if (r instanceof ActionResult.Requested) {
        row.put("result", "requested");
        text = id + ": " + ((ActionResult.Requested) r).what();
      } else if (r instanceof ActionResult.NotFound) {
        row.put("result", "not_found");
        text = id + ": no such task";
        exit = 1;
      } else {
        row.put("result", "refused");
        row.put("reason", ((ActionResult.Refused) r).why());
        text = id + ": refused: " + ((ActionResult.Refused) r).why();
        exit = 1;
      }
      json.add(row);
      if (!options.json) {
        out.println(text);
      }
    }
    if (options.json) {
      out.println(
          new String(SpoolJson.writeOutput(Map.of("actions", json)), StandardCharsets.UTF_8));
    }
    out.flush();
    return exit;
  }

  @Command(
      name = "cancel",
      description = "Cancel tasks; a running task's process tree is stopped by its worker.")
  static final class Cancel extends TaskActionCommand {
    @CommandLine.Option(names = "--reason")
    String reason;

    Cancel(Clock clock) {
      super(clock);
    }

    @Override
    ActionResult act(OperatorActions actions, String id) throws IOException {
      return actions.cancel(id, reason);
    }
  }

  @Command(
      name = "hold",
      description = "Hold waiting tasks (pending, scheduled, blocked) until released.")
  static final class Hold extends TaskActionCommand {
    Hold(Clock clock) {
      super(clock);
    }

    @Override
    ActionResult act(OperatorActions actions, String id) throws IOException {
      return actions.hold(id);
    }
  }

  @Command(name = "release", description = "Release held tasks.")
  static final class Release extends TaskActionCommand {
    Release(Clock clock) {
      super(clock);
    }

    @Override
    ActionResult act(OperatorActions actions, String id) throws IOException {
      return actions.release(id);
    }
  }

  @Command(
      name = "retry",
      description = "Bring dead, cancelled or failed tasks back with fresh attempts.")
  static final class Retry extends TaskActionCommand {
    Retry(Clock clock) {
      super(clock);
    }

    @Override
    ActionResult act(OperatorActions actions, String id) throws IOException {
      return actions.retry(id);
    }
  }
}
