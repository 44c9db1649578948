package dev.spool.protocol.lanes;

import java.io.IOException;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * When a lane of the fleet can next take a task, judged from the spool alone (registered accounts,
 * cooldowns, disabled marks, full quotas). Used by the coordinator to requeue a task that a lane
 * could not serve, and by {@code spool lanes}. Thread-safe.
 */
public final class LaneAvailability {
  private final LaneStates states;
  private final QuotaSlots quotas;

  public LaneAvailability(LaneStates states, QuotaSlots quotas) {
    this.states = states;
    this.quotas = quotas;
  }

  /**
   * The earliest time any lane of {@code lanes} has a usable account: {@code now} when one is free
   * (or a lane has no registered account: the fleet does not know it, so workers decide), a later
   * time when all are cooling down or out of quota, empty when every account is disabled.
   */
  public Optional<Instant> earliest(List<String> lanes, Instant now) throws IOException {
    Instant best = null;
    for (String lane : lanes) {
      Optional<Instant> at = lane(lane, now);
      if (at.isPresent() && (best == null || at.get().isBefore(best))) {
        best = at.get();
      }
    }
    return Optional.ofNullable(best);
  }

  /** The earliest time one account of {@code lane} is usable; see {@link #earliest}. */
  public Optional<Instant> lane(String lane, Instant now) throws IOException {
    List<AccountEntry> accounts = states.accounts(lane);
    if (accounts.isEmpty()) {
      return Optional.of(now);
    }
    Instant best = null;
    for (AccountEntry a : accounts) {
      Optional<Instant> at = account(a, now);
      if (at.isPresent() && (best == null || at.get().isBefore(best))) {
        best = at.get();
      }
    }
    return Optional.ofNullable(best);
  }

  /** When one account is usable; empty when disabled. */
  public Optional<Instant> account(AccountEntry a, Instant now) throws IOException {
    if (states.disabled(a.lane(), a.account()).isPresent()) {
      return Optional.empty();
    }
    Instant at = now;
    Optional<LaneMark> c = states.cooldown(a.lane(), a.account());
    if (c.isPresent() && c.get().until().isAfter(at)) {
      at = c.get().until();
    }
    for (QuotaRule r : a.quotas()) {
      Instant free = quotas.freeAt(a.lane(), a.account(), r, at);
      at = free.isAfter(at) ? free : at;
    }
    return Optional.of(at);
  }
}
