package dev.spool.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** The JVM flags the launcher gives each daemon, read from a stand-in {@code java}. */
@Timeout(60)
class LauncherFlagsTest {
  @TempDir Path dir;

  @BeforeEach
  void install() throws IOException {
    Path bin = Files.createDirectories(dir.resolve("opt/bin"));
    Files.copy(Path.of("bin/spool"), bin.resolve("spool"));
    executable(bin.resolve("spool"));
    Files.createDirectories(dir.resolve("opt/lib"));
    Files.write(dir.resolve("opt/lib/spool.jar"), new byte[0]);
    Path java = Files.createDirectories(dir.resolve("fakebin")).resolve("java");
    Files.writeString(java, "#!/bin/sh\nprintf '%s\\n' \"$@\"\n");
    executable(java);
  }

  private static void executable(Path p) throws IOException {
    Files.setPosixFilePermissions(p, PosixFilePermissions.fromString("rwxr-xr-x"));
  }

  private List<String> javaArgs(String javaOpts, String... args) throws Exception {
    List<String> cmd = new java.util.ArrayList<>(List.of(dir.resolve("opt/bin/spool").toString()));
    cmd.addAll(Arrays.asList(args));
    ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true);
    pb.environment().put("PATH", dir.resolve("fakebin") + ":/usr/bin:/bin");
    pb.environment().put("HOME", dir.toString());
    pb.environment().remove("SPOOL_JAVA_OPTS");
    if (javaOpts != null) {
      pb.environment().put("SPOOL_JAVA_OPTS", javaOpts);
    }
    Process p = pb.start();
    assertTrue(p.waitFor(30, TimeUnit.SECONDS), "the launcher did not exit");
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertEquals(0, p.exitValue(), out);
    return out.lines().toList();
  }

  /** The value of the last {@code -XX:TieredStopAtLevel=}, the one the JVM applies, or null. */
  private static String tierCap(List<String> args) {
    String last = null;
    for (String a : args) {
      if (a.startsWith("-XX:TieredStopAtLevel=")) {
        last = a.substring(a.indexOf('=') + 1);
      }
    }
    return last;
  }

  @Test
  void theWorkerAndTheCoordinatorRunWithC1OnlyAndTheDashboardWithTheFullJit() throws Exception {
    List<String> worker = javaArgs(null, "worker", "--spool", "/s");
    assertEquals("1", tierCap(worker), worker.toString());
    assertTrue(worker.containsAll(List.of("-jar", "worker", "--spool", "/s")), worker.toString());

    List<String> coordinator = javaArgs(null, "coordinator", "--spool", "/s");
    assertEquals("1", tierCap(coordinator), coordinator.toString());
    assertTrue(
        coordinator.containsAll(List.of("-jar", "coordinator", "--spool", "/s")),
        coordinator.toString());

    List<String> dashboard = javaArgs(null, "dashboard", "--spool", "/s");
    assertEquals(null, tierCap(dashboard), dashboard.toString());
    assertFalse(dashboard.isEmpty());
  }

  @Test
  void spoolJavaOptsGivesTheCoordinatorTheFullJitBack() throws Exception {
    List<String> coordinator = javaArgs("-XX:TieredStopAtLevel=4", "coordinator");
    assertEquals("4", tierCap(coordinator), coordinator.toString());
  }

  @Test
  void spoolJavaOptsComesLastSoAnOperatorCanOverrideTheLauncher() throws Exception {
    List<String> worker = javaArgs("-XX:TieredStopAtLevel=4 -Xmx300m", "worker");
    assertEquals("4", tierCap(worker), worker.toString());
    assertTrue(worker.contains("-Xmx300m"), worker.toString());
  }
}
