package dev.spool.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(10)
class PeersTest {

  @Test
  void peersGetSpoolsSizes() {
    Map<String, String> env = Peers.environment("nq.sh", Sizes.FULL, 3, Map.of());
    assertEquals("2000", env.get("N"));
    assertEquals("4", env.get("SLOTS"));
    assertEquals("50", env.get("LAT_REPS"));
    assertEquals("40", env.get("SLEEP_N"));
    assertEquals("0.5", env.get("SLEEP_S"));
    assertEquals("3", env.get("REPEATS"));
    assertEquals(null, env.get("SLURM_SCHED_PARAMS"));
  }

  @Test
  void slurmRunsFewerNoOpsOnItsTunedSchedulerUnlessTheOperatorChoseOne() {
    Map<String, String> tuned = Peers.environment("slurm.sh", Sizes.FULL, 3, Map.of());
    assertEquals("400", tuned.get("N"));
    assertEquals("batch_sched_delay=0,sched_min_interval=0", tuned.get("SLURM_SCHED_PARAMS"));

    Map<String, String> chosen =
        Peers.environment("slurm.sh", Sizes.SMOKE, 1, Map.of("SLURM_SCHED_PARAMS", ""));
    assertEquals("60", chosen.get("N"), "a smaller size is kept");
    assertEquals("", chosen.get("SLURM_SCHED_PARAMS"), "empty means Slurm's defaults");
  }

  @Test
  void summaryLinesParseToFields() {
    assertEquals(
        Map.of("peer", "nq", "workload", "W1", "tasks_per_s", "306.4"),
        Peers.parse("peer=nq workload=W1 tasks_per_s=306.4\n"));
  }
}
