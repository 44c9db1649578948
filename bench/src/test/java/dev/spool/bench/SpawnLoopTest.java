package dev.spool.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

@Timeout(60)
class SpawnLoopTest {
  @TempDir Path dir;

  @Test
  void theDurableFloorCarriesEveryTaskThroughThePublishSteps() throws Exception {
    SpawnLoop.main(new String[] {"7", "3", dir.toString()});
    // 7 warm-up tasks and 7 timed ones, each claimed, run, published and finished.
    assertEquals(14, count("done"));
    assertEquals(14, count("results"));
    for (String left : new String[] {"pending", "claimed", "tmp"}) {
      assertEquals(0, count(left), left + "/ keeps nothing");
    }
    // One working directory per thread, reused, as a worker's scratch directories are.
    assertTrue(count("scratch") >= 1 && count("scratch") <= 3, "scratch/: " + count("scratch"));
    try (Stream<Path> s = Files.list(dir.resolve("scratch"))) {
      for (Path d : s.toList()) {
        assertEquals(0, count("scratch/" + d.getFileName()), d + " is empty");
      }
    }
  }

  private long count(String sub) throws IOException {
    try (Stream<Path> s = Files.list(dir.resolve(sub))) {
      return s.count();
    }
  }
}
