package dev.spool.coordinator.dashboard;

import java.net.InetAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Objects;

/**
 * How a dashboard runs.
 *
 * @param spool the spool's root directory
 * @param bind the address to listen on (loopback by default)
 * @param port the TCP port; 0 picks a free one (tests)
 * @param allowActions false: read-only, every action answers 403
 * @param token the access token actions require (ignored when read-only)
 * @param rescanEvery how often the index lists every state directory (the truth behind events)
 * @param sampleEvery how often heartbeats are read and the oldest pending task is found
 * @param deadAfter a worker whose heartbeat sequence did not change for this long is shown dead
 * @param firstScanWithin how long the first index scan may take before the start fails (the server
 *     listens only once the index is complete, so no page shows a cold, empty spool)
 */
public record DashboardConfig(
    Path spool,
    InetAddress bind,
    int port,
    boolean allowActions,
    String token,
    Duration rescanEvery,
    Duration sampleEvery,
    Duration deadAfter,
    Duration firstScanWithin) {
  public static final Duration FIRST_SCAN_WITHIN = Duration.ofMinutes(10);

  public DashboardConfig {
    Objects.requireNonNull(spool, "spool");
    Objects.requireNonNull(bind, "bind");
    if (port < 0 || port > 65535) {
      throw new IllegalArgumentException("port out of range: " + port);
    }
    if (allowActions && (token == null || token.length() < 16)) {
      throw new IllegalArgumentException("actions need an access token of 16 characters or more");
    }
    Objects.requireNonNull(rescanEvery, "rescanEvery");
    Objects.requireNonNull(sampleEvery, "sampleEvery");
    Objects.requireNonNull(deadAfter, "deadAfter");
    Objects.requireNonNull(firstScanWithin, "firstScanWithin");
    if (firstScanWithin.isNegative() || firstScanWithin.isZero()) {
      throw new IllegalArgumentException("firstScanWithin must be positive: " + firstScanWithin);
    }
  }

  /** Read-only defaults for a spool on a loopback port. */
  public static DashboardConfig readOnly(Path spool, int port) {
    return new DashboardConfig(
        spool,
        InetAddress.getLoopbackAddress(),
        port,
        false,
        null,
        Duration.ofSeconds(60),
        Duration.ofSeconds(2),
        Duration.ofSeconds(15),
        FIRST_SCAN_WITHIN);
  }

  /** The same, with actions allowed behind {@code token}. */
  public DashboardConfig withActions(String token) {
    return new DashboardConfig(
        spool, bind, port, true, token, rescanEvery, sampleEvery, deadAfter, firstScanWithin);
  }

  /** The same, with other loop periods (tests use short ones). */
  public DashboardConfig withPeriods(Duration rescan, Duration sample, Duration dead) {
    return new DashboardConfig(
        spool, bind, port, allowActions, token, rescan, sample, dead, firstScanWithin);
  }

  /** The same, with another bound on the first index scan. */
  public DashboardConfig withFirstScanWithin(Duration bound) {
    return new DashboardConfig(
        spool, bind, port, allowActions, token, rescanEvery, sampleEvery, deadAfter, bound);
  }
}
