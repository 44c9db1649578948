package dev.spool.worker.exec;

/** Why the worker stops a running process from outside. */
public enum StopReason {
  /** An operator's cancel request. */
  CANCEL,
  /** The worker shuts down and hands the task back. */
  HAND_BACK
}
