package dev.spool.protocol.spool;

/** Who performs a transition. */
public enum Actor {
  /** {@code spool submit} or anyone dropping a task file. */
  SUBMITTER,
  WORKER,
  COORDINATOR,
  /** A person through the CLI (or the dashboard). */
  OPERATOR
}
