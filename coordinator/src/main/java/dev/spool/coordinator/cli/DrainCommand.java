package dev.spool.coordinator.cli;

import dev.spool.protocol.control.ControlRequest;
import dev.spool.protocol.json.SpoolJson;
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
    ControlRequest.Drain req =
        new ControlRequest.Drain(
            null,
            worker,
            clock.instant(),
            "operator " + System.getProperty("user.name", "?") + "@" + HostName.get());
    boolean created =
        SpoolOptions.files(layout)
            .publishIfAbsent(layout.drainRequest(worker), SpoolJson.write(req));
    spec.commandLine()
        .getOut()
        .println(worker + ": " + (created ? "drain requested" : "drain already requested"));
    spec.commandLine().getOut().flush();
    return 0;
  }
}
