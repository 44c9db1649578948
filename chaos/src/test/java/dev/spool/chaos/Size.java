package dev.spool.chaos;

/**
 * CI size or soak size, from the system property {@code spool.chaos.size} ({@code ci} by default;
 * {@code soak} under {@code mvn -Psoak} and {@code scripts/soak.sh}).
 */
final class Size {
  private Size() {}

  static boolean soak() {
    return "soak".equals(System.getProperty("spool.chaos.size", "ci"));
  }

  /** {@code ci} in the default build, {@code soak} in the soak run. */
  static int pick(int ci, int soak) {
    return soak() ? soak : ci;
  }
}
