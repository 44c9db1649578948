package dev.spool.coordinator.submit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicIntegerArray;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(30)
class ParallelIoTest {
  @Test
  void everyIndexRunsOnceOnSharedDaemonThreads() throws Exception {
    ParallelIo io = new ParallelIo(4);
    Set<Thread> threads = ConcurrentHashMap.newKeySet();
    for (int call = 0; call < 5; call++) {
      AtomicIntegerArray runs = new AtomicIntegerArray(100);
      io.forEach(
          100,
          i -> {
            runs.incrementAndGet(i);
            threads.add(Thread.currentThread());
          });
      for (int i = 0; i < 100; i++) {
        assertEquals(1, runs.get(i), "index " + i + " of call " + call);
      }
    }
    for (Thread t : threads) {
      assertTrue(t.isDaemon() && t.getName().startsWith("spool-io-"), t.getName());
    }
  }

  @Test
  void aFailureStopsNewIndexesAndIsThrown() {
    ParallelIo io = new ParallelIo(4);
    AtomicInteger ran = new AtomicInteger();
    IOException e =
        assertThrows(
            IOException.class,
            () ->
                io.forEach(
                    10_000,
                    i -> {
                      ran.incrementAndGet();
                      if (i == 3) {
                        throw new IOException("disk full at " + i);
                      }
                    }));
    assertEquals("disk full at 3", e.getMessage());
    assertTrue(ran.get() < 10_000, "indexes after the failure were not all run: " + ran.get());
  }

  @Test
  void anInterruptReturnsOnlyAfterTheRunningStepsEnded() throws Exception {
    ParallelIo io = new ParallelIo(2);
    CountDownLatch started = new CountDownLatch(2);
    CountDownLatch release = new CountDownLatch(1);
    AtomicInteger running = new AtomicInteger();
    AtomicInteger runningAtReturn = new AtomicInteger(-1);
    AtomicReference<Throwable> thrown = new AtomicReference<>();
    Thread caller =
        new Thread(
            () -> {
              try {
                io.forEach(
                    1_000,
                    i -> {
                      running.incrementAndGet();
                      started.countDown();
                      try {
                        release.await(20, TimeUnit.SECONDS);
                      } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                      }
                      running.decrementAndGet();
                    });
              } catch (Throwable t) {
                thrown.set(t);
              }
              runningAtReturn.set(running.get());
            });
    caller.start();
    assertTrue(started.await(10, TimeUnit.SECONDS));
    caller.interrupt();
    // The steps are released only once the caller has taken the interrupt (its flag is cleared
    // when the wait for a part throws): a part already finished is returned by Future.get without
    // a look at the interrupt, and then there would be nothing to test.
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (caller.isInterrupted()) {
      assertTrue(System.nanoTime() < deadline, "the caller never took the interrupt");
      Thread.onSpinWait();
    }
    release.countDown();
    caller.join(20_000);
    assertEquals(0, runningAtReturn.get(), "no step of the call ran after it returned");
    assertTrue(thrown.get() instanceof InterruptedIOException, String.valueOf(thrown.get()));
  }
}
