package dev.spool.chaos;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.locks.LockSupport;

/**
 * Samples a worker's heartbeat every 50 ms and measures, on this JVM's monotonic clock, the longest
 * time its {@code seq} stayed unchanged: the quantity a coordinator's liveness check judges.
 */
final class HeartbeatProbe {
  private static final ObjectMapper JSON = new ObjectMapper();
  private final Path file;
  private final Thread thread;
  private volatile boolean running = true;
  private long lastSeq = -1;
  private long lastChange;
  private long maxGap;
  private int changes;

  HeartbeatProbe(Path file) {
    this.file = file;
    this.thread = new Thread(this::loop, "heartbeat-probe");
    thread.setDaemon(true);
    thread.start();
  }

  private void loop() {
    while (running) {
      long now = System.nanoTime();
      try {
        JsonNode hb = JSON.readTree(Files.readAllBytes(file));
        long seq = hb.path("seq").asLong();
        synchronized (this) {
          if (seq != lastSeq) {
            if (lastSeq >= 0) {
              maxGap = Math.max(maxGap, now - lastChange);
              changes++;
            }
            lastSeq = seq;
            lastChange = now;
          }
        }
      } catch (IOException e) {
        // not written yet, or replaced between the open and the read: look again
      }
      LockSupport.parkNanos(50_000_000L);
    }
  }

  /** Stops sampling; the time since the last change counts as a gap too. */
  void stop() throws InterruptedException {
    running = false;
    thread.join(5_000);
    synchronized (this) {
      if (lastSeq >= 0) {
        maxGap = Math.max(maxGap, System.nanoTime() - lastChange);
      }
    }
  }

  synchronized Duration maxGap() {
    return Duration.ofNanos(maxGap);
  }

  synchronized int changes() {
    return changes;
  }
}
