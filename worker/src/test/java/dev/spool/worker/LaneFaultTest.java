package dev.spool.worker;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import dev.spool.protocol.fs.FileOps;
import dev.spool.protocol.fs.ForwardingFileOps;
import dev.spool.protocol.spool.TaskState;
import dev.spool.protocol.task.Task;
import dev.spool.protocol.testing.Await;
import dev.spool.worker.config.WorkerConfig;
import dev.spool.worker.lane.LaneConfig;
import dev.spool.worker.testing.Scripts;
import dev.spool.worker.testing.TestSpool;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** A disk error while taking a quota slot gives the claimed task back instead of stranding it. */
@Timeout(60)
class LaneFaultTest {
  @TempDir Path dir;

  /** Real file operations whose first hard link into a quota window fails. */
  private static final class QuotaLinkFails extends ForwardingFileOps {
    QuotaLinkFails() {
      super(FileOps.real());
    }

    private final AtomicInteger failures = new AtomicInteger(1);

    @Override
    public void link(Path link, Path existing) throws IOException {
      if (link.toString().contains("/quota/") && failures.getAndDecrement() > 0) {
        throw new IOException("injected: input/output error");
      }
      delegate().link(link, existing);
    }
  }

  @Test
  void aQuotaSlotThatCannotBeWrittenReturnsTheClaim() throws Exception {
    TestSpool spool = new TestSpool(dir.resolve("spool"));
    Path cli = Scripts.write(dir, "cli.sh", "cat > /dev/null; echo answered");
    Files.writeString(spool.layout.routingFile(), "types:\n  ask: [l]\n");
    WorkerConfig config =
        WorkerConfig.builder(spool.layout.root())
            .workerId("w1")
            .slots(2)
            .heartbeatInterval(Duration.ofMillis(200))
            .rescanInterval(Duration.ofMillis(200))
            .killGrace(Duration.ofMillis(300))
            .drainTimeout(Duration.ofMillis(300))
            .livenessCheck(Duration.ofMillis(700))
            .scratchDir(dir.resolve("scratch"))
            .lanes(
                LaneConfig.parse(
                    new YAMLMapper()
                        .readTree(
                            "l:\n  argv: ["
                                + cli
                                + "]\n  accounts: [{name: a, quotas: {per_minute: 100}}]\n")))
            .build();
    spool.submit(
        Task.builder("t1")
            .createdAt(Instant.now())
            .type("ask")
            .input(JsonNodeFactory.instance.objectNode().put("prompt", "q"))
            .build());
    Worker w =
        new Worker(
            config, Clock.systemUTC(), System::nanoTime, System.getenv(), new QuotaLinkFails());
    try {
      w.start();
      Await.until(Duration.ofSeconds(30), "t1 done", () -> spool.exists(TaskState.DONE, "t1"));
    } finally {
      w.close();
    }
    assertEquals(1, spool.result("t1", 1).attempt());
    assertEquals("l", spool.result("t1", 1).lane());
    assertEquals(0, spool.count(TaskState.CLAIMED));
  }
}
