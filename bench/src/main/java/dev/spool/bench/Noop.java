package dev.spool.bench;

/** A main that does nothing: the JVM start-up floor for the single-submit workload. */
public final class Noop {
  private Noop() {}

  public static void main(String[] args) {
    // Start-up and exit only.
  }
}
