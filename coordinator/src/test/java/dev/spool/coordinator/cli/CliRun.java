package dev.spool.coordinator.cli;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.time.Clock;
import picocli.CommandLine;

/** Runs the operator CLI in-process and captures exit code, stdout and stderr. */
record CliRun(int exit, String out, String err) {
  @CommandLine.Command(name = "spool")
  static final class Root {}

  static CliRun run(Clock clock, String... args) {
    CommandLine cl = OperatorCli.addTo(new CommandLine(new Root()), clock);
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    cl.setOut(new PrintWriter(out));
    cl.setErr(new PrintWriter(err));
    int code = cl.execute(args);
    return new CliRun(code, out.toString(), err.toString());
  }
}
