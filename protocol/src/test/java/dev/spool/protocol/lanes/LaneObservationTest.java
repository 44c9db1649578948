package dev.spool.protocol.lanes;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.spool.protocol.fs.AtomicFiles;
import dev.spool.protocol.fs.FileOps;
import dev.spool.protocol.spool.SpoolLayout;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** Workers' lane observations: one file per worker, combined into the fleet's latency. */
@Timeout(30)
class LaneObservationTest {
  private static final Instant T0 = Instant.parse("2026-11-21T10:00:00Z");

  @TempDir Path dir;

  private static LaneObservation seen(String worker, long millis, long samples, Instant at) {
    return new LaneObservation(
        "gemini", worker, Duration.ofMillis(millis), samples, "closed", 0, null, at);
  }

  @Test
  void theFleetLatencyWeighsWorkersBySamplesAndLeavesOutStaleOnes() throws Exception {
    SpoolLayout layout = SpoolLayout.create(dir.resolve("s"), T0);
    LaneStates states =
        new LaneStates(layout, new AtomicFiles(FileOps.real(), layout.tmp(), false));
    states.observe(seen("w1", 1000, 1, T0));
    states.observe(seen("w2", 4000, 3, T0));
    states.observe(seen("w3", 90_000, 50, T0.minus(Duration.ofHours(2))));
    states.observe(seen("w2", 3000, 3, T0)); // w2 replaces its own file: one writer per file
    Files.writeString(layout.laneObservations("gemini").resolve("w4.json"), "{broken");
    List<LaneObservation> all = states.observations("gemini");
    assertEquals(List.of("w1", "w2", "w3"), all.stream().map(LaneObservation::worker).toList());
    assertEquals(
        Optional.of(Duration.ofMillis(2500)), LaneStates.fleetLatency(all, T0.plusSeconds(5)));
    assertEquals(Optional.empty(), LaneStates.fleetLatency(List.of(), T0));
  }

  @Test
  void anOpenBreakerPastItsCoolOffReadsHalfOpen() {
    LaneObservation open =
        new LaneObservation("l", "w1", null, 0L, "open", 5, T0.plusSeconds(60), T0);
    assertEquals("open", open.breakerAt(T0.plusSeconds(59)));
    assertEquals("half_open", open.breakerAt(T0.plusSeconds(60)));
  }
}
