package dev.spool.coordinator.dashboard;

import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;

/** Named daemon threads, so a dashboard never keeps a JVM alive on its own. */
final class Daemons {
  private Daemons() {}

  static ExecutorService single(String name) {
    return Executors.newSingleThreadExecutor(r -> thread(r, name));
  }

  static ScheduledExecutorService scheduled(String name) {
    return Executors.newSingleThreadScheduledExecutor(r -> thread(r, name));
  }

  private static Thread thread(Runnable r, String name) {
    Thread t = new Thread(r, name);
    t.setDaemon(true);
    return t;
  }
}
