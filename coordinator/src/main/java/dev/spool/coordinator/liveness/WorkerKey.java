package dev.spool.coordinator.liveness;

import dev.spool.protocol.Require;

/**
 * One run of a worker: its id and incarnation. Claims carry both in their name, so the claims of a
 * worker's previous run are told apart from those of its current run.
 */
public record WorkerKey(String worker, long incarnation) {
  public WorkerKey {
    Require.id(worker, "worker");
  }

  @Override
  public String toString() {
    return worker + "~" + incarnation;
  }
}
