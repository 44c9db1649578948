package dev.spool.worker.lane;

import java.util.List;
import java.util.Map;

/**
 * What a routed task needs from this worker: the lanes of its chain that this worker has and that
 * the task fits, preferred first, with the task's estimated tokens on each. Computed once per
 * pending name (it depends on the task file and on earlier attempts, both fixed for a name) and
 * cached with the verdict.
 */
public record LaneNeed(String taskId, List<Lane> lanes, Map<String, Long> tokens) {
  public LaneNeed {
    lanes = List.copyOf(lanes);
    tokens = Map.copyOf(tokens);
    if (lanes.isEmpty()) {
      throw new IllegalArgumentException("a lane need has at least one lane");
    }
  }
}
