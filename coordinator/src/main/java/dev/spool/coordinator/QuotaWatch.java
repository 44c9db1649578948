package dev.spool.coordinator;

import dev.spool.coordinator.hooks.HookEvent;
import dev.spool.coordinator.hooks.HookRunner;
import dev.spool.protocol.fs.AtomicFiles;
import dev.spool.protocol.lanes.AccountEntry;
import dev.spool.protocol.lanes.LaneStates;
import dev.spool.protocol.lanes.QuotaRule;
import dev.spool.protocol.lanes.QuotaSlots;
import dev.spool.protocol.spool.SpoolLayout;
import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.function.LongSupplier;

/**
 * Fires the {@code lane_quota_low} hooks when an account has used {@link #THRESHOLD} of a quota
 * quota: once each time the account's use of the rule rises to the threshold (a sliding quota is
 * reported again only after its use fell below it; a monthly one once per month). Looks every
 * {@link #EVERY}, and only when some hook listens; each look lists one directory per account and
 * rule. Not thread-safe (the pass thread).
 */
final class QuotaWatch {
  static final double THRESHOLD = 0.8;
  static final Duration EVERY = Duration.ofSeconds(10);

  private final LaneStates states;
  private final QuotaSlots slots;
  private final HookRunner hooks;
  private final Clock clock;
  private final LongSupplier ticker;

  /** Account rules (and months) reported and still at or above the threshold. */
  private final Set<String> reported = new HashSet<>();

  private long last;
  private boolean looked;

  QuotaWatch(
      SpoolLayout layout, AtomicFiles files, HookRunner hooks, Clock clock, LongSupplier ticker) {
    this.states = new LaneStates(layout, files);
    this.slots = new QuotaSlots(layout, files);
    this.hooks = hooks;
    this.clock = clock;
    this.ticker = ticker;
  }

  void check() throws IOException {
    if (!hooks.wants(HookEvent.LANE_QUOTA_LOW)) {
      return;
    }
    long now = ticker.getAsLong();
    if (looked && now - last < EVERY.toNanos()) {
      return;
    }
    looked = true;
    last = now;
    Instant at = clock.instant();
    for (AccountEntry a : states.accounts()) {
      for (QuotaRule rule : a.quotas()) {
        int used = slots.used(a.lane(), a.account(), rule, at);
        String key =
            a.lane()
                + "/"
                + a.account()
                + "/"
                + rule.name()
                + (rule.window() == null ? "/" + rule.windowId(at) : "");
        if (used < Math.ceil(THRESHOLD * rule.requests())) {
          reported.remove(key);
          continue;
        }
        if (reported.add(key)) {
          hooks.fire(
              new HookEvent(
                  HookEvent.LANE_QUOTA_LOW,
                  at,
                  null,
                  null,
                  "quota_low",
                  "lane "
                      + a.lane()
                      + " account "
                      + a.account()
                      + " has used "
                      + used
                      + " of "
                      + rule.requests()
                      + " requests of its "
                      + rule.name()
                      + " quota; the next request may start at "
                      + slots.freeAt(a.lane(), a.account(), rule, at),
                  Map.of("lane", a.lane(), "account", a.account())));
        }
      }
    }
  }
}
