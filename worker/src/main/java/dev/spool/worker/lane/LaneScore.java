package dev.spool.worker.lane;

import dev.spool.protocol.lanes.Routing;
import java.time.Duration;

/**
 * The score of a lane for one task, 0 to 100, as the routing file weighs it ({@code scoring:},
 * default 40/30/30): quota headroom of the lane's best usable account (100 without quotas), latency
 * (100 while this worker's moving average of the lane's successful attempts is at most {@code
 * latency_target}, falling linearly to 0 at four times it; 100 before any attempt), and context fit
 * (100 up to 80 % of the window, 75 up to 100 %; a task that does not fit never gets here). The
 * router takes the first lane of the chain whose score reaches {@code threshold}, else the
 * best-scoring one. Stateless.
 */
final class LaneScore {
  private LaneScore() {}

  static int score(
      Routing.Scoring s, int usedPercent, Duration latency, long tokens, long contextTokens) {
    int quota = Math.max(0, 100 - usedPercent);
    int lat = latencyScore(latency, s.latencyTarget());
    int fit = tokens * 100 <= contextTokens * 80 ? 100 : tokens <= contextTokens ? 75 : 0;
    int total = s.quota() + s.latency() + s.context();
    return (quota * s.quota() + lat * s.latency() + fit * s.context()) / total;
  }

  static int latencyScore(Duration latency, Duration target) {
    if (latency == null || latency.compareTo(target) <= 0) {
      return 100;
    }
    double over = (double) (latency.toMillis() - target.toMillis()) / (3.0 * target.toMillis());
    return (int) Math.max(0, Math.round(100 * (1 - over)));
  }
}
