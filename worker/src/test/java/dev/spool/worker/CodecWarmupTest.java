package dev.spool.worker;

import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(20)
class CodecWarmupTest {
  @Test
  void theSamplesRoundTripThroughTheProtocolsOwnValidation() {
    // Worker.start runs this before its first heartbeat: a sample the protocol's validation
    // refused would stop every worker from starting.
    assertTrue(CodecWarmup.run("w1", "host-a") > 100);
  }
}
