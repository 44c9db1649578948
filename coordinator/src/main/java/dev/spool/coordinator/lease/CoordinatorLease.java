package dev.spool.coordinator.lease;

import dev.spool.protocol.InvalidInputException;
import dev.spool.protocol.fs.AtomicFiles;
import dev.spool.protocol.fs.SafeFiles;
import dev.spool.protocol.json.SpoolJson;
import dev.spool.protocol.spool.SpoolLayout;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.Optional;
import java.util.function.LongSupplier;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One active coordinator per spool. The active one replaces {@code state/coordinator.lease} about
 * every second with a growing {@code seq}. A standby watches the lease and takes over when its
 * content has not changed for {@code timeout} on the standby's own monotonic clock (a pause of the
 * standby itself restarts the watch), or at once when the holder released it. Taking over claims
 * epoch {@code e + 1} with a hard link ({@code state/coordinator.epoch~<e+1>}), so two standbys
 * racing for the same epoch cannot both win; then it writes the lease.
 *
 * <p>Fencing: the active coordinator reads the lease and the epoch claims at every {@link #tick};
 * if they show a higher epoch (or the lease another owner), this coordinator is fenced and stops
 * acting at once (its WAL file is of the old epoch, so it cannot mix records into the new holder's
 * file). A decision already in flight in the same tick can still finish: the window is one tick,
 * and every decision is idempotent and fenced on the task file itself (a rename of a source that is
 * gone does nothing).
 *
 * <p>Not thread-safe: driven by one coordinator loop.
 */
public final class CoordinatorLease {
  private static final Logger log = LoggerFactory.getLogger(CoordinatorLease.class);
  private static final String EPOCH_PREFIX = "coordinator.epoch~";

  /** This coordinator's role after a tick. */
  public enum Role {
    ACTIVE,
    STANDBY
  }

  private final SpoolLayout layout;
  private final AtomicFiles files;
  private final LeaseConfig config;
  private final LongSupplier ticker;
  private final Clock clock;
  private Role role = Role.STANDBY;
  private long epoch;
  private long seq;
  private long lastRenewNanos;
  private Optional<LeaseRecord> watched = Optional.empty();
  private long watchedSinceNanos;
  private long lastTickNanos;
  private boolean ticked;

  /**
   * @param config who this coordinator is and its timings
   */
  public CoordinatorLease(
      SpoolLayout layout, AtomicFiles files, LeaseConfig config, LongSupplier ticker, Clock clock) {
    this.layout = layout;
    this.files = files;
    this.config = config;
    this.ticker = ticker;
    this.clock = clock;
  }

  /** Renews the lease if active (or finds this coordinator fenced), or watches it if standby. */
  public Role tick() throws IOException {
    long now = ticker.getAsLong();
    boolean paused = ticked && now - lastTickNanos > config.pauseThreshold().toNanos();
    lastTickNanos = now;
    ticked = true;
    Optional<LeaseRecord> current = read();
    if (role == Role.ACTIVE) {
      renewOrStep(current, now);
    } else {
      watch(current, now, paused);
    }
    return role;
  }

  public Role role() {
    return role;
  }

  /** The epoch this coordinator holds; meaningful while {@link #role()} is ACTIVE. */
  public long epoch() {
    return epoch;
  }

  /**
   * When (on the ticker) the active coordinator must tick again to renew the lease in time; {@link
   * Long#MAX_VALUE} while standby.
   */
  public long nextRenewalNanos() {
    return role == Role.ACTIVE ? lastRenewNanos + config.renewEvery().toNanos() : Long.MAX_VALUE;
  }

  /** On clean shutdown: marks the lease released so a standby takes over without waiting. */
  public void release() throws IOException {
    if (role == Role.ACTIVE && !fenced(read())) {
      write(true);
      log.info("coordinator_lease_released owner={} epoch={}", config.owner(), epoch);
    }
    role = Role.STANDBY;
  }

  private void renewOrStep(Optional<LeaseRecord> current, long now) throws IOException {
    if (fenced(current) || highestEpochClaim() > epoch) {
      log.error(
          "coordinator_fenced owner={} epoch={} lease_owner={} lease_epoch={}"
              + " consequence=this coordinator stops acting and watches as a standby",
          config.owner(),
          epoch,
          current.map(LeaseRecord::owner).orElse("-"),
          current.map(LeaseRecord::epoch).orElse(0L));
      role = Role.STANDBY;
      watched = current;
      watchedSinceNanos = now;
      return;
    }
    if (now - lastRenewNanos >= config.renewEvery().toNanos()) {
      seq++;
      write(false);
      lastRenewNanos = now;
    }
  }

  private boolean fenced(Optional<LeaseRecord> current) {
    return current.isPresent()
        && (current.get().epoch() > epoch
            || (current.get().epoch() == epoch && !current.get().owner().equals(config.owner())));
  }

  private void watch(Optional<LeaseRecord> current, long now, boolean paused) throws IOException {
    boolean changed =
        !current
            .map(r -> r.epoch() + "/" + r.seq() + "/" + r.owner())
            .equals(watched.map(r -> r.epoch() + "/" + r.seq() + "/" + r.owner()));
    if (changed || paused) {
      watched = current;
      watchedSinceNanos = now;
    }
    boolean expired = now - watchedSinceNanos >= config.timeout().toNanos();
    boolean free = current.isEmpty() || current.get().released();
    if (free || expired) {
      tryTakeOver(current, now);
    }
  }

  private void tryTakeOver(Optional<LeaseRecord> current, long now) throws IOException {
    long next = Math.max(current.map(LeaseRecord::epoch).orElse(0L), highestEpochClaim()) + 1;
    LeaseRecord mine = record(next, 0, false);
    if (!files.publishIfAbsent(layout.coordinatorEpoch(next), SpoolJson.write(mine))) {
      log.info("coordinator_takeover_lost epoch={} owner={}", next, config.owner());
      watchedSinceNanos = now;
      return;
    }
    epoch = next;
    seq = 0;
    write(false);
    lastRenewNanos = now;
    if (highestEpochClaim() > next) {
      // Another standby claimed a later epoch while this one wrote its lease: it wins.
      log.info("coordinator_takeover_superseded epoch={} owner={}", next, config.owner());
      watchedSinceNanos = now;
      return;
    }
    role = Role.ACTIVE;
    Files.deleteIfExists(layout.coordinatorEpoch(next - 2));
    log.info(
        "coordinator_active owner={} epoch={} previous_owner={}",
        config.owner(),
        epoch,
        current.map(LeaseRecord::owner).orElse("-"));
  }

  private long highestEpochClaim() throws IOException {
    long max = 0;
    try (Stream<Path> s = Files.list(layout.state())) {
      for (Path p : (Iterable<Path>) s::iterator) {
        String n = p.getFileName().toString();
        if (n.startsWith(EPOCH_PREFIX) && n.length() == EPOCH_PREFIX.length() + 20) {
          try {
            max = Math.max(max, Long.parseLong(n.substring(EPOCH_PREFIX.length())));
          } catch (NumberFormatException e) {
            log.debug("coordinator_epoch_name_ignored name={}", n);
          }
        }
      }
    }
    return max;
  }

  private LeaseRecord record(long e, long s, boolean released) {
    return new LeaseRecord(
        null, config.owner(), config.host(), config.pid(), e, s, clock.instant(), released);
  }

  private void write(boolean released) throws IOException {
    files.replace(layout.coordinatorLease(), SpoolJson.write(record(epoch, seq, released)));
  }

  /** The lease as on disk; empty if absent or unreadable (an unreadable lease is no lease). */
  public Optional<LeaseRecord> read() throws IOException {
    Path p = layout.coordinatorLease();
    try {
      byte[] bytes = SafeFiles.readBounded(p, 64 * 1024);
      return Optional.of(SpoolJson.read(layout.relative(p), bytes, LeaseRecord.class));
    } catch (NoSuchFileException e) {
      return Optional.empty();
    } catch (InvalidInputException e) {
      log.warn("coordinator_lease_invalid reason={} consequence=treated as absent", e.getMessage());
      return Optional.empty();
    }
  }

  /** How long a lease may stay unchanged before a standby takes over; default 10 s. */
  public static Duration defaultTimeout() {
    return Duration.ofSeconds(10);
  }
}
