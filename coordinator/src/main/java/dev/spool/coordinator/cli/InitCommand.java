package dev.spool.coordinator.cli;

import dev.spool.protocol.spool.SpoolFormatException;
import dev.spool.protocol.spool.SpoolLayout;
import java.nio.file.Path;
import java.time.Clock;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** {@code spool init DIR}: creates a spool, or checks an existing one. */
@Command(
    name = "init",
    description =
        "Create a spool directory (idempotent; refuses a non-empty directory that is not a spool).")
final class InitCommand implements Callable<Integer> {
  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @CommandLine.Parameters(
      index = "0",
      paramLabel = "DIR",
      arity = "0..1",
      description = "Directory (default: --spool or $SPOOL_DIR).")
  Path dir;

  @CommandLine.Mixin SpoolOptions options;

  private final Clock clock;

  InitCommand(Clock clock) {
    this.clock = clock;
  }

  @Override
  public Integer call() throws Exception {
    Path root = dir != null ? dir : options.spoolDir(spec);
    try {
      SpoolLayout layout = SpoolLayout.create(root, clock.instant());
      spec.commandLine().getOut().println(layout.root());
      return 0;
    } catch (SpoolFormatException e) {
      spec.commandLine().getErr().println("spool init: " + e.getMessage());
      return 1;
    }
  }
}
