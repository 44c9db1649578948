package dev.spool.coordinator;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.spool.protocol.spool.SpoolLayout;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

@Timeout(30)
class CoordinatorCommandTest {
  @TempDir Path dir;

  private int run(StringWriter err, String... args) {
    CommandLine cl = new CommandLine(new CoordinatorCommand());
    cl.setErr(new PrintWriter(err));
    return cl.execute(args);
  }

  @Test
  void helpDescribesTheOptions() {
    StringWriter out = new StringWriter();
    CommandLine cl = new CommandLine(new CoordinatorCommand());
    cl.setOut(new PrintWriter(out));
    assertEquals(0, cl.execute("--help"));
    assertTrue(out.toString().contains("--dead-after"), out.toString());
    assertTrue(out.toString().contains("--spool"), out.toString());
  }

  @Test
  void aBadDurationIsAUsageError() {
    StringWriter err = new StringWriter();
    assertEquals(2, run(err, "--spool", dir.toString(), "--dead-after", "soon"));
    assertTrue(err.toString().contains("not a duration"), err.toString());
  }

  @Test
  void aDirectoryThatIsNotASpoolIsRefused() {
    assertEquals(CoordinatorCommand.EXIT_SPOOL, run(new StringWriter(), "--spool", dir.toString()));
  }

  @Test
  void aCorruptWalStopsTheCoordinatorWithItsOwnExitCode() throws Exception {
    SpoolLayout layout = SpoolLayout.create(dir.resolve("s"), Instant.now());
    Files.writeString(
        layout.wal().resolve("00000000000000000001.wal"),
        "5 00000000 {...}\n5 00000000 {...}\n",
        StandardCharsets.US_ASCII);
    assertEquals(
        CoordinatorCommand.EXIT_WAL_CORRUPT,
        run(new StringWriter(), "--spool", layout.root().toString(), "--interval", "20ms"));
  }
}
