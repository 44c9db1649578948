package dev.spool.worker.lane;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The lane circuit breaker on a fake monotonic clock. */
@Timeout(10)
class LaneBreakerTest {
  @Test
  void opensAfterFailuresInARowThenLetsOneProbeThrough() throws Exception {
    Lane lane =
        LaneConfig.parse(
                new YAMLMapper()
                    .readTree("l:\n  argv: [cli]\n  breaker: {failures: 3, cool_off: 10}\n"))
            .get("l");
    AtomicLong now = new AtomicLong();
    LaneBreaker b = new LaneBreaker(now::get);
    b.record(lane, true);
    b.record(lane, true);
    b.record(lane, false);
    b.record(lane, true);
    b.record(lane, true);
    assertTrue(b.allows(lane), "a success in between resets the count");
    b.record(lane, true);
    assertFalse(b.allows(lane), "3 failures in a row open it");
    now.addAndGet(9_000_000_000L);
    assertFalse(b.allows(lane));
    now.addAndGet(1_000_000_000L);
    assertTrue(b.allows(lane), "half-open after the cool-off");
    b.started(lane);
    assertFalse(b.allows(lane), "one probe at a time");
    b.record(lane, true);
    assertFalse(b.allows(lane), "a failed probe opens it again");
    now.addAndGet(10_000_000_000L);
    b.started(lane);
    b.record(lane, false);
    assertTrue(b.allows(lane), "a good probe closes it");
  }
}
