package dev.spool.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import dev.spool.worker.config.ConfigFile;
import dev.spool.worker.config.WorkerConfig;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The shipped example configs are read by the worker as they are. */
@Timeout(10)
class ExampleConfigTest {
  @Test
  void workerExampleParses() throws Exception {
    WorkerConfig.Builder b = WorkerConfig.builder(Path.of("/ignored"));
    ConfigFile.apply(Path.of("examples/worker.yaml"), b);
    WorkerConfig c = b.build();
    assertEquals(2, c.slots());
    assertFalse(c.allowArgv());
  }
}
