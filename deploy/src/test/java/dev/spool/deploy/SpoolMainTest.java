package dev.spool.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.time.Clock;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import picocli.CommandLine;

/** The assembled {@code spool} command: every subcommand is there, and completion is generated. */
@Timeout(20)
class SpoolMainTest {
  private static String[] run(String... args) {
    CommandLine cl = SpoolMain.commandLine(Clock.systemUTC());
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    cl.setOut(new PrintWriter(out));
    cl.setErr(new PrintWriter(err));
    int code = cl.execute(args);
    return new String[] {String.valueOf(code), out.toString(), err.toString()};
  }

  @Test
  void theShortSubmitCommandLineParsesLikeTheFullOne() {
    String[] args = {"submit", "--", "true"};
    CommandLine shortOne = SpoolMain.commandLineFor(Clock.systemUTC(), args);
    assertEquals(java.util.Set.of("help", "submit"), shortOne.getSubcommands().keySet());
    assertEquals(
        SpoolMain.commandLine(Clock.systemUTC()).getSubcommands().get("submit").getUsageMessage(),
        shortOne.getSubcommands().get("submit").getUsageMessage());
    assertTrue(
        SpoolMain.commandLineFor(Clock.systemUTC(), new String[] {"status"})
            .getSubcommands()
            .containsKey("worker"),
        "other commands get the full command line");
  }

  @Test
  void everySubcommandIsRegistered() {
    var subs = SpoolMain.commandLine(Clock.systemUTC()).getSubcommands().keySet();
    for (String name :
        new String[] {
          "init",
          "submit",
          "status",
          "list",
          "show",
          "logs",
          "workers",
          "drain",
          "cancel",
          "hold",
          "release",
          "retry",
          "requeue",
          "wait",
          "report",
          "fsck",
          "purge",
          "worker",
          "coordinator",
          "run",
          "lanes",
          "compare",
          "dashboard",
          "metrics",
          "generate-completion"
        }) {
      assertTrue(subs.contains(name), "missing subcommand " + name + " in " + subs);
    }
  }

  @Test
  void generatesABashCompletionScript() {
    String[] r = run("generate-completion");
    assertEquals("0", r[0], r[2]);
    assertTrue(
        r[1].contains("complete -F") && r[1].contains("spool"),
        r[1].substring(0, Math.min(200, r[1].length())));
  }

  @Test
  void unknownOptionsAreUsageErrors() {
    assertEquals("2", run("status", "--no-such-option")[0]);
  }
}
