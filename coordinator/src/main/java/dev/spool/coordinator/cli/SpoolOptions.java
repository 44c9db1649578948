package dev.spool.coordinator.cli;

import dev.spool.protocol.fs.AtomicFiles;
import dev.spool.protocol.fs.FileOps;
import dev.spool.protocol.spool.SpoolFormatException;
import dev.spool.protocol.spool.SpoolLayout;
import java.io.IOException;
import java.nio.file.Path;
import picocli.CommandLine;

/** Options shared by every subcommand: where the spool is and how to print. */
public final class SpoolOptions {
  @CommandLine.Option(
      names = "--spool",
      paramLabel = "DIR",
      description = "The spool directory (default: $SPOOL_DIR).",
      defaultValue = "${env:SPOOL_DIR}")
  Path spool;

  @CommandLine.Option(names = "--json", description = "Print JSON for scripts instead of tables.")
  boolean json;

  /** The spool directory, or a usage error when neither --spool nor SPOOL_DIR is given. */
  Path spoolDir(CommandLine.Model.CommandSpec spec) {
    if (spool == null) {
      throw new CommandLine.ParameterException(
          spec.commandLine(), "no spool: give --spool DIR or set SPOOL_DIR");
    }
    return spool;
  }

  /** Opens the spool, turning format problems into a usage-style error naming the directory. */
  SpoolLayout open(CommandLine.Model.CommandSpec spec) throws IOException {
    try {
      return SpoolLayout.open(spoolDir(spec));
    } catch (SpoolFormatException e) {
      throw new CommandLine.ExecutionException(spec.commandLine(), e.getMessage(), e);
    }
  }

  static AtomicFiles files(SpoolLayout layout) {
    return new AtomicFiles(FileOps.real(), layout.tmp(), true);
  }
}
