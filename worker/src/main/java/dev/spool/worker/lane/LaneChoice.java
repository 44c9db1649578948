package dev.spool.worker.lane;

import java.nio.file.Path;
import java.util.List;

/**
 * The lane and account chosen for one attempt, holding one unit of the lane's concurrency on this
 * worker (released by {@link LaneRouter#release}) and the quota slots taken for the attempt.
 */
public record LaneChoice(Lane lane, Lane.Account account, List<Path> quotaSlots) {
  public LaneChoice {
    quotaSlots = List.copyOf(quotaSlots);
  }
}
