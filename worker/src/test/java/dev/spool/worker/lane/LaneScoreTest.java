package dev.spool.worker.lane;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.spool.protocol.lanes.Routing;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The 40/30/30 lane score. */
@Timeout(10)
class LaneScoreTest {
  private static final Routing.Scoring S = Routing.Scoring.DEFAULT;

  @Test
  void weighsQuotaLatencyAndContextFit() {
    assertEquals(100, LaneScore.score(S, 0, null, 10, 1000));
    assertEquals(
        60, LaneScore.score(S, 100, null, 10, 1000), "no headroom: 0*40 + 100*30 + 100*30");
    assertEquals(92, LaneScore.score(S, 0, null, 900, 1000), "tight fit scores 75 on context");
    assertEquals(100, LaneScore.latencyScore(Duration.ofSeconds(60), Duration.ofSeconds(60)));
    assertEquals(50, LaneScore.latencyScore(Duration.ofSeconds(150), Duration.ofSeconds(60)));
    assertEquals(0, LaneScore.latencyScore(Duration.ofSeconds(600), Duration.ofSeconds(60)));
    assertEquals(
        38, LaneScore.score(S, 80, Duration.ofSeconds(240), 10, 1000), "20*40 + 0*30 + 100*30");
  }
}
