package dev.spool.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** The systemd units and the install script, checked with the tools a VM would use. */
@Timeout(120)
class DeploymentIT {
  private static final Path DEPLOY = Path.of("").toAbsolutePath();

  /** Exposure as systemd-analyze prints it times ten: 20 means "2.0 OK". */
  private static final int EXPOSURE_THRESHOLD = 20;

  @TempDir Path tmp;

  record Run(int exit, String output) {}

  static Run run(Path dir, List<String> cmd) throws IOException, InterruptedException {
    Path out = Files.createTempFile("deploy-it", ".out");
    Process p =
        new ProcessBuilder(cmd)
            .directory(dir.toFile())
            .redirectErrorStream(true)
            .redirectOutput(out.toFile())
            .start();
    if (!p.waitFor(60, TimeUnit.SECONDS)) {
      p.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
      throw new AssertionError("timed out: " + cmd);
    }
    String text = Files.readString(out, StandardCharsets.UTF_8);
    Files.deleteIfExists(out);
    return new Run(p.exitValue(), text);
  }

  private static boolean systemdAnalyzeRuns() throws Exception {
    try {
      return run(Path.of("/"), List.of("systemd-analyze", "--version")).exit() == 0;
    } catch (IOException e) {
      return false;
    }
  }

  /** The units with ExecStart pointing at the launcher in this tree, as verify checks it exists. */
  private List<String> stageUnits() throws IOException {
    String launcher = DEPLOY.resolve("bin/spool").toString();
    List<String> names = new ArrayList<>();
    for (String unit : List.of("spool-worker@.service", "spool-coordinator.service")) {
      String text =
          Files.readString(DEPLOY.resolve("systemd").resolve(unit))
              .replace("/opt/spool/bin/spool", launcher);
      Files.writeString(tmp.resolve(unit), text);
    }
    Files.copy(tmp.resolve("spool-worker@.service"), tmp.resolve("spool-worker@1.service"));
    names.add("./spool-worker@1.service");
    names.add("./spool-coordinator.service");
    return names;
  }

  @Test
  void unitsPassSystemdAnalyzeVerify() throws Exception {
    assumeTrue(
        systemdAnalyzeRuns(),
        "systemd-analyze is not installed (scripts/test-deps.sh installs it as root)");
    List<String> cmd = new ArrayList<>(List.of("systemd-analyze", "verify"));
    cmd.addAll(stageUnits());
    Run r = run(tmp, cmd);
    assertEquals(0, r.exit(), r.output());
    assertTrue(r.output().isBlank(), "verify printed warnings:\n" + r.output());
  }

  @Test
  void unitsPassTheSecurityExposureThreshold() throws Exception {
    assumeTrue(
        systemdAnalyzeRuns(),
        "systemd-analyze is not installed (scripts/test-deps.sh installs it as root)");
    for (String unit : stageUnits()) {
      Run r =
          run(
              tmp,
              List.of(
                  "systemd-analyze",
                  "security",
                  "--offline=yes",
                  "--threshold=" + EXPOSURE_THRESHOLD,
                  unit));
      assertEquals(
          0,
          r.exit(),
          unit + " is above exposure " + EXPOSURE_THRESHOLD / 10.0 + ":\n" + r.output());
    }
  }

  @Test
  void unitsKeepTheSettingsTheDrainRelies() throws IOException {
    String worker = Files.readString(DEPLOY.resolve("systemd/spool-worker@.service"));
    assertTrue(worker.contains("KillMode=mixed"), "the worker drains its own children");
    assertTrue(worker.contains("NoNewPrivileges=yes"));
    assertTrue(worker.contains("ProtectSystem=strict"));
    assertTrue(worker.contains("PrivateTmp=yes"));
    assertTrue(worker.contains("Restart=on-failure"));
    int stop = Integer.parseInt(worker.replaceAll("(?s).*TimeoutStopSec=(\\d+).*", "$1"));
    assertTrue(stop > 300, "TimeoutStopSec must outlast the default 300 s drain");
  }

  @Test
  void installScriptStagesEverythingIntoARoot() throws Exception {
    Path jar = tmp.resolve("spool.jar");
    Files.writeString(jar, "not really a jar");
    Path root = tmp.resolve("root");
    Run r =
        run(
            DEPLOY,
            List.of(
                "bash",
                "install.sh",
                "--jar",
                jar.toString(),
                "--root",
                root.toString(),
                "--spool",
                "/data/q",
                "--workers",
                "2"));
    assertEquals(0, r.exit(), r.output());
    assertTrue(Files.isExecutable(root.resolve("opt/spool/bin/spool")));
    assertTrue(Files.exists(root.resolve("opt/spool/lib/spool.jar")));
    String unit = Files.readString(root.resolve("etc/systemd/system/spool-worker@.service"));
    assertTrue(unit.contains("ReadWritePaths=/data/q /var/lib/spool"), unit);
    assertTrue(
        Files.readString(root.resolve("etc/spool/worker-2.yaml")).contains("spool: /data/q"));
    Files.writeString(root.resolve("etc/spool/worker-1.yaml"), "edited by the operator\n");
    assertEquals(
        0,
        run(
                DEPLOY,
                List.of(
                    "bash",
                    "install.sh",
                    "--jar",
                    jar.toString(),
                    "--root",
                    root.toString(),
                    "--workers",
                    "2"))
            .exit());
    assertEquals(
        "edited by the operator\n",
        Files.readString(root.resolve("etc/spool/worker-1.yaml")),
        "configs are never overwritten");
    assertEquals(2, run(DEPLOY, List.of("bash", "install.sh", "--bogus")).exit());
  }
}
