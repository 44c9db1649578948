package dev.spool.bench;

import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(10)
class SpreadTest {
  @Test
  void pausesFillTheIntervalEvenly() {
    int[] tenths = new int[10];
    for (int i = 0; i < 100; i++) {
      long p = Workloads.spread(i, 200);
      assertTrue(p >= 0 && p <= 200, "pause " + p + " outside 0..200");
      tenths[(int) Math.min(9, p / 20)]++;
    }
    for (int t = 0; t < 10; t++) {
      // 100 random draws put between 3 and 17 into a tenth; evenly spread ones 9 to 11.
      assertTrue(tenths[t] >= 9 && tenths[t] <= 11, "tenth " + t + " got " + tenths[t]);
    }
  }
}
