package dev.spool.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.spool.protocol.lanes.Routing;
import dev.spool.protocol.lanes.RoutingFile;
import dev.spool.worker.config.ConfigFile;
import dev.spool.worker.config.WorkerConfig;
import dev.spool.worker.lane.Lane;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Every shipped lane example is a worker config the worker reads as it is. */
@Timeout(10)
class LaneExamplesTest {
  private static final Path DIR = Path.of("examples/lanes");

  @Test
  void everyLaneExampleParsesAndTheRoutingExampleNamesOnlyThoseLanes() throws Exception {
    List<Path> files;
    try (Stream<Path> s = Files.list(DIR)) {
      files = s.filter(p -> p.toString().endsWith(".yaml")).sorted().toList();
    }
    Set<String> lanes = new HashSet<>();
    int configs = 0;
    for (Path f : files) {
      if (f.getFileName().toString().equals("routing.yaml")) {
        continue;
      }
      WorkerConfig.Builder b = WorkerConfig.builder(Path.of("/ignored"));
      ConfigFile.apply(f, b);
      WorkerConfig c = b.build();
      assertFalse(c.lanes().isEmpty(), f + " declares a lane");
      for (Lane l : c.lanes().values()) {
        assertFalse(l.accounts().isEmpty());
        lanes.add(l.name());
      }
      configs++;
    }
    assertEquals(6, configs, "opencode, gemini, qwen, copilot, claude, llama.cpp");
    Routing r = RoutingFile.parse("routing.yaml", Files.readAllBytes(DIR.resolve("routing.yaml")));
    for (Routing.Chain chain : r.types().values()) {
      assertTrue(lanes.containsAll(chain.lanes()), "chain " + chain + " uses example lanes");
    }
    assertTrue(r.types().get("sovereign").sovereign());
  }
}
