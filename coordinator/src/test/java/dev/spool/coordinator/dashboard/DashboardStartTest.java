package dev.spool.coordinator.dashboard;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.ConnectException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The server listens only once its first index scan is complete, so no page ever shows a spool
 * emptier than it is; a first scan that takes too long fails the start instead of serving.
 */
@Timeout(60)
class DashboardStartTest {
  @TempDir Path tmp;

  static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
      return s.getLocalPort();
    }
  }

  static boolean listening(int port) {
    try (Socket s = new Socket()) {
      s.connect(new InetSocketAddress("127.0.0.1", port), 1000);
      return true;
    } catch (ConnectException e) {
      return false;
    } catch (IOException e) {
      return false;
    }
  }

  SeededSpool seed() throws Exception {
    SeededSpool spool = new SeededSpool(tmp.resolve("spool"));
    for (int i = 0; i < 30; i++) {
      spool.run("t-" + i, "build", Map.of(), 0, "");
    }
    spool.submit("t-wait", null, Map.of());
    return spool;
  }

  @Test
  void thePortOpensOnlyAfterTheFirstScanAndTheFirstPageIsComplete() throws Exception {
    SeededSpool spool = seed();
    int port = freePort();
    CountDownLatch scanning = new CountDownLatch(1);
    CountDownLatch proceed = new CountDownLatch(1);
    Runnable gate =
        () -> {
          scanning.countDown();
          try {
            proceed.await(30, TimeUnit.SECONDS);
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
          }
        };
    CompletableFuture<DashboardServer> started =
        CompletableFuture.supplyAsync(
            () -> {
              try {
                return DashboardServer.start(
                    DashboardConfig.readOnly(spool.layout.root(), port),
                    Clock.systemUTC(),
                    System::nanoTime,
                    gate);
              } catch (IOException e) {
                throw new IllegalStateException(e);
              }
            });
    assertTrue(scanning.await(20, TimeUnit.SECONDS), "the first scan began");
    assertFalse(listening(port), "nothing listens while the first scan runs");
    assertFalse(started.isDone(), "start waits for the first scan");
    proceed.countDown();
    try (DashboardServer server = started.get(20, TimeUnit.SECONDS)) {
      assertEquals(port, server.port());
      assertEquals(31, server.indexedTasks(), "the index is complete when start returns");
      HttpResponse<String> r =
          HttpClient.newHttpClient()
              .send(
                  HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/")).build(),
                  HttpResponse.BodyHandlers.ofString());
      assertEquals("30", DashboardHttpTest.count(r.body(), "done"), "the first page is complete");
      assertEquals("1", DashboardHttpTest.count(r.body(), "pending"));
    }
  }

  @Test
  void aFirstScanSlowerThanTheBoundFailsTheStartAndNothingListens() throws Exception {
    SeededSpool spool = seed();
    int port = freePort();
    CountDownLatch never = new CountDownLatch(1);
    Runnable stuck =
        () -> {
          try {
            never.await(30, TimeUnit.SECONDS);
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt(); // close() interrupts the index thread
          }
        };
    long t0 = System.nanoTime();
    IOException e =
        assertThrows(
            IOException.class,
            () ->
                DashboardServer.start(
                    DashboardConfig.readOnly(spool.layout.root(), port)
                        .withFirstScanWithin(Duration.ofMillis(300)),
                    Clock.systemUTC(),
                    System::nanoTime,
                    stuck));
    long waited = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0);
    assertTrue(e.getMessage().contains("first index scan did not finish within"), e.getMessage());
    assertTrue(waited < 10_000, "the wait is bounded: " + waited + " ms");
    assertFalse(listening(port), "a failed start leaves no port bound");
    never.countDown();
  }
}
