package dev.spool.chaos;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.locks.LockSupport;

/**
 * Watches results/ while a scenario runs: remembers the inode and digest of every result record the
 * first time it is seen and reports any record that later changes or disappears. This is the "no
 * accepted result is ever overwritten" check; a listing every 100 ms sees every record long before
 * the scenario ends, because nothing in Spool rewrites or removes them.
 */
final class ResultWatch implements AutoCloseable {
  private record Seen(Object inode, String digest) {}

  private final Path results;
  private final Map<String, Seen> seen = new HashMap<>();
  private final Map<String, Long> firstSeen = new HashMap<>();
  private final List<String> violations = new ArrayList<>();
  private final Thread thread;
  private volatile boolean running = true;

  ResultWatch(Path results) {
    this.results = results;
    this.thread = new Thread(this::loop, "result-watch");
    thread.setDaemon(true);
    thread.start();
  }

  private void loop() {
    while (running) {
      try {
        pass(false);
      } catch (IOException | RuntimeException e) {
        synchronized (this) {
          violations.add("result watch failed: " + e);
        }
      }
      LockSupport.parkNanos(100_000_000L);
    }
  }

  private synchronized void pass(boolean last) throws IOException {
    try (DirectoryStream<Path> s = Files.newDirectoryStream(results, "*.json")) {
      for (Path p : s) {
        String name = p.getFileName().toString();
        if (name.startsWith(".") || name.endsWith("~end.json")) {
          continue; // end notes are replaced by design (a retried dead task gets a new one)
        }
        try {
          Seen now = new Seen(Files.getAttribute(p, "unix:ino"), digest(Files.readAllBytes(p)));
          Seen before = seen.putIfAbsent(name, now);
          firstSeen.putIfAbsent(name, System.nanoTime());
          if (before != null && !before.equals(now)) {
            violations.add("result overwritten: results/" + name);
            seen.put(name, now);
          }
        } catch (NoSuchFileException e) {
          violations.add("result removed: results/" + name);
        }
      }
    }
    if (last) {
      for (String name : seen.keySet()) {
        if (!Files.exists(results.resolve(name))) {
          violations.add("result removed: results/" + name);
        }
      }
    }
  }

  private static String digest(byte[] bytes) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  /** Stops watching, takes a last look, and returns every violation seen. */
  List<String> finish() throws IOException, InterruptedException {
    running = false;
    thread.join(10_000);
    pass(true);
    synchronized (this) {
      return List.copyOf(violations);
    }
  }

  /** When each result record was first seen, on this JVM's monotonic clock (100 ms grain). */
  synchronized Map<String, Long> firstSeenNanos() {
    return Map.copyOf(firstSeen);
  }

  @Override
  public void close() {
    running = false;
  }
}
