package dev.spool.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.spool.protocol.spool.SpoolLayout;
import dev.spool.protocol.spool.TaskState;
import java.lang.reflect.Method;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code spool submit ... -- ARGV} starts without picocli and without Jackson's object mapper (the
 * point of the quick path: their set-up was most of the command's time), and everything else still
 * reaches picocli.
 */
@Timeout(60)
class QuickSubmitStartupTest {
  @TempDir Path tmp;

  private long count(Path spool, TaskState s) throws Exception {
    try (Stream<Path> files = Files.list(new SpoolLayout(spool).dir(s))) {
      return files.count();
    }
  }

  @Test
  void theCommandRunsTheQuickPathAndFallsBackToPicocli() throws Exception {
    Path spool = SpoolLayout.create(tmp.resolve("spool"), Instant.now()).root();
    String dir = spool.toString();
    Clock clock = Clock.systemUTC();
    assertEquals(
        0, SpoolMain.run(clock, Map.of(), new String[] {"submit", "--spool", dir, "--", "true"}));
    assertEquals(1, count(spool, TaskState.PENDING));
    String[] bad = {"submit", "--spool", dir, "--priority", "5000", "--", "true"};
    assertEquals(2, SpoolMain.run(clock, Map.of(), bad), "picocli's usage error");
    String[] keyed = {"submit", "--spool", dir, "--key", "k", "--", "true"};
    assertEquals(0, SpoolMain.run(clock, Map.of(), keyed), "picocli's path for --key");
    assertEquals(2, count(spool, TaskState.PENDING));
  }

  @Test
  void theJarsMainNamesNoPicocliType() {
    for (Method m : JarMain.class.getDeclaredMethods()) {
      List<Class<?>> types = new ArrayList<>(Arrays.asList(m.getParameterTypes()));
      types.add(m.getReturnType());
      for (Class<?> t : types) {
        assertFalse(t.getName().startsWith("picocli."), m + " names " + t);
      }
    }
  }

  @Test
  void aQuickSubmitLoadsNeitherPicocliNorTheObjectMapper() throws Exception {
    Path spool = SpoolLayout.create(tmp.resolve("spool"), Instant.now()).root();
    Path out = tmp.resolve("classes.txt");
    Path java = Paths.get(System.getProperty("java.home"), "bin", "java");
    Process p =
        new ProcessBuilder(
                java.toString(),
                "-verbose:class",
                "-cp",
                System.getProperty("java.class.path"),
                JarMain.class.getName(),
                "submit",
                "--spool",
                spool.toString(),
                "--",
                "true")
            .redirectErrorStream(true)
            .redirectOutput(out.toFile())
            .start();
    if (!p.waitFor(30, TimeUnit.SECONDS)) {
      p.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
      throw new AssertionError("spool submit did not finish in 30 s");
    }
    String loaded = Files.readString(out);
    assertEquals(0, p.exitValue(), loaded.substring(Math.max(0, loaded.length() - 2000)));
    assertEquals(1, count(spool, TaskState.PENDING));
    assertTrue(loaded.contains("dev.spool.coordinator.cli.QuickSubmit "), "quick path not taken");
    for (String line : loaded.split("\n")) {
      assertFalse(line.contains(" picocli."), line);
      assertFalse(line.contains("com.fasterxml.jackson.databind.ObjectMapper "), line);
    }
  }
}
