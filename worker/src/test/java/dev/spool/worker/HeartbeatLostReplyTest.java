package dev.spool.worker;

import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.spool.protocol.fs.FileOps;
import dev.spool.protocol.fs.ForwardingFileOps;
import dev.spool.protocol.testing.Await;
import dev.spool.worker.config.WorkerConfig;
import dev.spool.worker.testing.TestSpool;
import java.io.IOException;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** The first heartbeat's rename reports ENOENT after taking effect (the NFS lost reply). */
@Timeout(60)
class HeartbeatLostReplyTest {
  @TempDir Path dir;
  private Worker worker;

  @AfterEach
  void tearDown() {
    if (worker != null) {
      worker.close();
    }
  }

  @Test
  void aLostReplyOnTheFirstHeartbeatDoesNotStopTheWorkerFromStarting() throws Exception {
    TestSpool spool = new TestSpool(dir.resolve("spool"));
    AtomicInteger lostReplies = new AtomicInteger(1);
    FileOps ops =
        new ForwardingFileOps(FileOps.real()) {
          @Override
          public void rename(Path source, Path target) throws IOException {
            delegate().rename(source, target);
            if (target.getParent().getFileName().toString().equals("heartbeats")
                && lostReplies.getAndDecrement() > 0) {
              throw new NoSuchFileException(source.toString(), target.toString(), "lost reply");
            }
          }
        };
    WorkerConfig config =
        WorkerConfig.builder(spool.layout.root())
            .workerId("w1")
            .slots(1)
            .allowArgv(true)
            .heartbeatInterval(Duration.ofMillis(100))
            .livenessCheck(Duration.ofMillis(300))
            .scratchDir(dir.resolve("scratch"))
            .build();
    worker = new Worker(config, Clock.systemUTC(), System::nanoTime, System.getenv(), ops);
    worker.start(); // threw StartupException before: the worker refused to start

    assertTrue(lostReplies.get() < 0, "the lost reply was injected and beating went on");
    Await.until(Duration.ofSeconds(20), "beating", () -> worker.heartbeatSeq() >= 3);
  }
}
