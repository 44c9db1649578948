package dev.spool.worker;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.spool.worker.config.WorkerConfig;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

@Timeout(30)
class WorkerCommandTest {
  @TempDir Path dir;

  private int run(StringWriter err, String... args) {
    CommandLine cmd = new CommandLine(new WorkerCommand());
    cmd.setErr(new PrintWriter(err, true));
    return cmd.execute(args);
  }

  @Test
  void anInvalidConfigExitsTwoNamingTheKey() throws Exception {
    Path cfg = dir.resolve("w.yaml");
    Files.writeString(cfg, "slots: many\n");
    StringWriter err = new StringWriter();
    assertEquals(2, run(err, "--spool", dir.toString(), "--config", cfg.toString()));
    assertTrue(err.toString().contains("'slots' must be a whole number"), err.toString());
  }

  @Test
  void aMissingSpoolExitsThreeNamingTheProblem() {
    StringWriter err = new StringWriter();
    assertEquals(3, run(err, "--spool", dir.resolve("none").toString(), "--id", "w1"));
    assertTrue(err.toString().contains("is not a spool"), err.toString());
  }

  @Test
  void flagsOverrideTheConfigFile() throws Exception {
    Path cfg = dir.resolve("w.yaml");
    Files.writeString(cfg, "worker_id: from-file\nslots: 2\nallow_argv: false\nwatch: true\n");
    WorkerCommand c = new WorkerCommand();
    new CommandLine(c)
        .parseArgs(
            "--spool",
            dir.toString(),
            "--config",
            cfg.toString(),
            "--slots",
            "5",
            "--allow-argv",
            "--no-watch");
    WorkerConfig config = c.config();
    assertEquals("from-file", config.workerId());
    assertEquals(5, config.slots());
    assertTrue(config.allowArgv());
    assertEquals(false, config.watch());
    assertEquals(dir.toAbsolutePath().normalize(), config.spool());
  }
}
