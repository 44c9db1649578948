package dev.spool.coordinator.cli;

import dev.spool.coordinator.ops.ActionResult;
import dev.spool.coordinator.ops.OperatorActions;
import dev.spool.protocol.spool.SpoolLayout;
import java.io.IOException;
import java.time.Clock;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** {@code spool drain WORKER}: ask a worker to stop claiming; it finishes what it runs. */
@Command(
    name = "drain",
    description = "Ask a worker to stop claiming new tasks (it finishes what it runs).")
final class DrainCommand implements Callable<Integer> {
  @CommandLine.Spec CommandLine.Model.CommandSpec spec;
  @CommandLine.Mixin SpoolOptions options;

  @CommandLine.Parameters(index = "0", paramLabel = "WORKER")
  String worker;

  private final Clock clock;

  DrainCommand(Clock clock) {
    this.clock = clock;
  }

  @Override
  public Integer call() throws IOException {
    SpoolLayout layout = options.open(spec);
    String who = "operator " + System.getProperty("user.name", "?") + "@" + HostName.get();
    ActionResult r =
        new OperatorActions(layout, SpoolOptions.files(layout), clock, who).drain(worker);
    spec.commandLine().getOut().println(((ActionResult.Requested) r).what());
    spec.commandLine().getOut().flush();
    return 0;
  }
}
