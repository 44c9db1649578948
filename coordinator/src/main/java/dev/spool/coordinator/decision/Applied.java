package dev.spool.coordinator.decision;

/** What applying one decision did. */
public enum Applied {
  /** The task file was moved as decided. */
  MOVED,
  /** The source was gone: applied before a crash, or moved by an operator since. */
  ALREADY_DONE,
  /** A dead worker's result was found published; the claim moved as the worker would have. */
  WORKER_RESULT
}
