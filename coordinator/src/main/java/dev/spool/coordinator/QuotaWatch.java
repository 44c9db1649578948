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
import java.util.HashMap;
import java.util.Map;
import java.util.function.LongSupplier;

/**
 * Fires the {@code lane_quota_low} hooks when an account has used {@link #THRESHOLD} of a quota
 * window: once per account, rule and window. Looks every {@link #EVERY}, and only when some hook
 * listens; each look lists one window directory per account and rule (at most its limit of slots).
 * Not thread-safe (the pass thread).
 */
final class QuotaWatch {
  static final double THRESHOLD = 0.8;
  static final Duration EVERY = Duration.ofSeconds(10);

  private final LaneStates states;
  private final QuotaSlots slots;
  private final HookRunner hooks;
  private final Clock clock;
  private final LongSupplier ticker;

  /** Windows already reported, with when they end (forgotten after that). */
  private final Map<String, Instant> reported = new HashMap<>();

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
    reported.values().removeIf(end -> !end.isAfter(at));
    for (AccountEntry a : states.accounts()) {
      for (QuotaRule rule : a.quotas()) {
        int used = slots.used(a.lane(), a.account(), rule, at);
        if (used < Math.ceil(THRESHOLD * rule.requests())) {
          continue;
        }
        String key = a.lane() + "/" + a.account() + "/" + rule.name() + "/" + rule.windowId(at);
        if (reported.putIfAbsent(key, rule.windowEnd(at)) == null) {
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
                      + " quota; the window ends at "
                      + rule.windowEnd(at),
                  Map.of("lane", a.lane(), "account", a.account())));
        }
      }
    }
  }
}
