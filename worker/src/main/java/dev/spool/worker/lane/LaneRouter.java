package dev.spool.worker.lane;

import dev.spool.protocol.InvalidInputException;
import dev.spool.protocol.fs.SafeFiles;
import dev.spool.protocol.json.SpoolJson;
import dev.spool.protocol.lanes.AccountEntry;
import dev.spool.protocol.lanes.Classification;
import dev.spool.protocol.lanes.LaneObservation;
import dev.spool.protocol.lanes.LaneStates;
import dev.spool.protocol.lanes.QuotaRule;
import dev.spool.protocol.lanes.QuotaSlots;
import dev.spool.protocol.lanes.Routing;
import dev.spool.protocol.result.AttemptResult;
import dev.spool.protocol.spool.SpoolLayout;
import dev.spool.protocol.task.Task;
import java.io.IOException;
import java.nio.file.NoSuchFileException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.LongSupplier;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Chooses the lane and account of a routed task on this worker. Candidates are the lanes of the
 * task's chain that this worker has, that the task fits (estimated tokens at most the lane's
 * context window, and larger than the window of any lane that already answered {@code
 * context_too_large} for it), that are local when the chain is sovereign, below their per-lane
 * concurrency, healthy ({@link LaneHealth}), with a closed circuit breaker ({@link LaneBreaker})
 * and a usable account (not cooling down, not disabled, a free quota slot in every window). Among
 * them the first of the chain whose {@link LaneScore} reaches the routing file's threshold is
 * taken, else the best-scoring one (latency: the fleet's moving average for a remote lane, this
 * worker's for a local one; this worker publishes its own after each attempt, with its breaker, in
 * {@code state/lane-workers/}). The account is the least recently used (by this worker) among those
 * below {@value #THRESHOLD_PERCENT} % of every quota, else the least used.
 *
 * <p>Fleet state is read from the spool and cached for {@link #STATE_TTL_NANOS}; this worker's own
 * cooldown writes invalidate the cache. Thread-safe (synchronized: the dispatcher chooses, slot
 * threads release).
 */
public final class LaneRouter {
  private static final Logger log = LoggerFactory.getLogger(LaneRouter.class);
  static final int THRESHOLD_PERCENT = 80;
  static final long STATE_TTL_NANOS = 250_000_000L;

  private final Map<String, Lane> lanes;
  private final Supplier<Routing> routing;
  private final SpoolLayout layout;
  private final LaneStates states;
  private final QuotaSlots quotas;
  private final Clock clock;
  private final LongSupplier nanos;
  private final Map<String, Integer> running = new HashMap<>();
  private final Map<String, Long> lastUsed = new HashMap<>();
  private final Map<String, Cached> cache = new HashMap<>();
  private final LaneBreaker breaker;
  private final LaneHealth health;
  private final Map<String, Duration> latency = new HashMap<>();
  private final Map<String, Long> samples = new HashMap<>();
  private final Map<String, FleetLatency> fleetLatency = new HashMap<>();
  private volatile String worker;

  private record FleetLatency(long readAt, Duration value) {}

  /** How long the fleet's latency of a lane is cached. */
  static final long FLEET_TTL_NANOS = 2_000_000_000L;

  private record Cached(long readAt, boolean blocked, int usedPercent, boolean full) {}

  /** The lane and account maps and the fleet state a router reads. */
  public record Sources(
      Map<String, Lane> lanes, Supplier<Routing> routing, LaneStates states, QuotaSlots quotas) {}

  public LaneRouter(Sources s, SpoolLayout layout, Clock clock, LongSupplier nanos) {
    this.lanes = Map.copyOf(s.lanes());
    this.routing = s.routing();
    this.layout = layout;
    this.states = s.states();
    this.quotas = s.quotas();
    this.clock = clock;
    this.nanos = nanos;
    this.breaker = new LaneBreaker(nanos);
    this.health = new LaneHealth(lanes.values(), nanos);
  }

  /** The routing this router follows. */
  public Supplier<Routing> routing() {
    return routing;
  }

  /** Starts the lanes' health checks (a daemon thread, only when some lane has one). */
  public void startHealthChecks(String worker) {
    health.start(worker);
  }

  /** Names of this worker's lanes that are healthy now, sorted. */
  public List<String> healthyLanes() {
    List<String> out = new ArrayList<>();
    for (Lane l : lanes.values()) {
      if (health.healthy(l)) {
        out.add(l.name());
      }
    }
    out.sort(null);
    return out;
  }

  /** Stops the health checks. */
  public void stopHealthChecks() {
    health.stop();
  }

  /** Declares this worker's lane accounts to the fleet ({@code state/lanes/}). */
  public void register(String worker) throws IOException {
    this.worker = worker;
    for (Lane l : lanes.values()) {
      for (Lane.Account a : l.accounts()) {
        states.register(
            new AccountEntry(
                l.name(),
                a.name(),
                l.local(),
                l.contextTokens(),
                a.quotas(),
                worker,
                clock.instant()));
      }
    }
  }

  /** True when the task is routed: its chain comes from the routing file or an explicit lane. */
  public boolean routed(Task task) {
    return task.lane() != null || routing.get().chainFor(task).isPresent();
  }

  /**
   * The lanes of this worker that may run {@code task} at {@code attempt}, or empty when none (the
   * task is for other workers, or fits no lane here).
   */
  public Optional<LaneNeed> need(Task task, int attempt) throws IOException {
    Optional<Routing.Chain> chain = routing.get().chainFor(task);
    if (chain.isEmpty()) {
      return Optional.empty();
    }
    List<String> tooSmall = attempt > 1 ? tooSmall(task.id(), attempt) : List.of();
    long floor = 0;
    for (String l : tooSmall) {
      Lane known = lanes.get(l);
      Routing.LaneFacts f = routing.get().lanes().get(l);
      long c =
          known != null
              ? known.contextTokens()
              : f != null && f.contextTokens() != null ? f.contextTokens() : 0;
      floor = Math.max(floor, c);
    }
    List<Lane> out = new ArrayList<>();
    Map<String, Long> tokensByLane = new HashMap<>();
    for (String name : chain.get().lanes()) {
      Lane l = lanes.get(name);
      if (l == null || (chain.get().sovereign() && !l.local()) || tooSmall.contains(name)) {
        continue;
      }
      long tokens = LaneCommand.estimatedTokens(task, l);
      if (tokens <= l.contextTokens() && l.contextTokens() > floor) {
        out.add(l);
        tokensByLane.put(name, tokens);
      }
    }
    return out.isEmpty()
        ? Optional.empty()
        : Optional.of(new LaneNeed(task.id(), out, tokensByLane));
  }

  /** True when some lane of {@code need} could take the task now. */
  public synchronized boolean ready(LaneNeed need) throws IOException {
    for (Lane l : need.lanes()) {
      if (running.getOrDefault(l.name(), 0) < l.concurrency()
          && breaker.allows(l)
          && health.healthy(l)) {
        for (Lane.Account a : l.accounts()) {
          Cached c = state(l, a);
          if (!c.blocked() && !c.full()) {
            return true;
          }
        }
      }
    }
    return false;
  }

  /**
   * Chooses a lane and account, taking one unit of the lane's concurrency and a quota slot of every
   * window of the account; empty when none is usable now (another worker took the last slot).
   */
  public synchronized Optional<LaneChoice> choose(LaneNeed need, String holder) throws IOException {
    for (Lane l : byScore(need)) {
      for (Lane.Account a : ordered(l)) {
        Optional<List<java.nio.file.Path>> slots =
            quotas.tryTake(l.name(), a.name(), a.quotas(), clock.instant(), holder);
        cache.remove(key(l, a));
        if (slots.isPresent()) {
          running.merge(l.name(), 1, Integer::sum);
          breaker.started(l);
          lastUsed.put(key(l, a), nanos.getAsLong());
          return Optional.of(new LaneChoice(l, a, slots.get()));
        }
      }
    }
    return Optional.empty();
  }

  /**
   * The usable lanes of {@code need} in the order to try them: those whose {@link LaneScore}
   * reaches the routing threshold in chain order, then the others from the best score down.
   */
  private List<Lane> byScore(LaneNeed need) throws IOException {
    Routing.Scoring scoring = routing.get().scoring();
    List<Lane> first = new ArrayList<>();
    List<Lane> rest = new ArrayList<>();
    Map<String, Integer> scores = new HashMap<>();
    for (Lane l : need.lanes()) {
      if (running.getOrDefault(l.name(), 0) >= l.concurrency()
          || !breaker.allows(l)
          || !health.healthy(l)) {
        continue;
      }
      int used = 100;
      for (Lane.Account a : l.accounts()) {
        Cached c = state(l, a);
        if (!c.blocked() && !c.full()) {
          used = Math.min(used, c.usedPercent());
        }
      }
      long tokens = need.tokens().getOrDefault(l.name(), 0L);
      int score = LaneScore.score(scoring, used, latency(l), tokens, l.contextTokens());
      scores.put(l.name(), score);
      (score >= scoring.threshold() ? first : rest).add(l);
    }
    rest.sort(Comparator.comparingInt((Lane l) -> scores.get(l.name())).reversed());
    first.addAll(rest);
    return first;
  }

  /** Gives back the concurrency unit of a finished attempt. */
  public synchronized void release(LaneChoice choice) {
    running.merge(choice.lane().name(), -1, Integer::sum);
  }

  /**
   * Feeds the lane's circuit breaker: {@code failed}, {@code timed_out} and {@code idle} count as
   * failures, {@code succeeded} resets; other classes (rate limits, auth, cancel) leave it alone.
   */
  public void recordClass(Lane lane, String classification, Duration duration) {
    if (Classification.SUCCEEDED.equals(classification)) {
      breaker.record(lane, false);
      recordLatency(lane, duration);
    } else if (Classification.FAILED.equals(classification)
        || Classification.TIMED_OUT.equals(classification)
        || Classification.IDLE.equals(classification)) {
      breaker.record(lane, true);
    } else {
      return;
    }
    publish(lane);
  }

  /** Folds a successful attempt's duration into the lane's moving average (weight 0.3). */
  private synchronized void recordLatency(Lane lane, Duration d) {
    if (d == null) {
      return;
    }
    latency.merge(
        lane.name(),
        d,
        (old, now) -> Duration.ofMillis(Math.round(old.toMillis() * 0.7 + now.toMillis() * 0.3)));
    samples.merge(lane.name(), 1L, Long::sum);
    fleetLatency.remove(lane.name());
  }

  /**
   * Writes this worker's latency and breaker of the lane for the fleet ({@code
   * state/lane-workers/}). Failing to write only keeps the fleet's view older; it is logged.
   */
  private void publish(Lane lane) {
    String w = worker;
    if (w == null) {
      return;
    }
    LaneBreaker.Snapshot b = breaker.snapshot(lane);
    Instant now = clock.instant();
    Duration avg;
    long n;
    synchronized (this) {
      avg = latency.get(lane.name());
      n = samples.getOrDefault(lane.name(), 0L);
    }
    try {
      states.observe(
          new LaneObservation(
              lane.name(),
              w,
              avg,
              n,
              b.state(),
              b.failuresInARow(),
              b.openFor() == null ? null : now.plus(b.openFor()),
              now));
    } catch (IOException | IllegalArgumentException e) {
      log.warn(
          "lane_observation_not_written lane={} reason={} consequence=other workers see an older"
              + " latency and breaker of this worker",
          lane.name(),
          e.toString());
    }
  }

  /**
   * The latency that scores a lane: for a local lane this worker's own moving average (the lane
   * runs on this machine's hardware); for a remote one the fleet's ({@link
   * LaneStates#fleetLatency}, this worker's own value counted from memory), read at most every
   * {@link #FLEET_TTL_NANOS}.
   */
  private Duration latency(Lane l) throws IOException {
    Duration own = latency.get(l.name());
    if (l.local() || worker == null) {
      return own;
    }
    long now = nanos.getAsLong();
    FleetLatency f = fleetLatency.get(l.name());
    if (f != null && now - f.readAt() < FLEET_TTL_NANOS) {
      return f.value();
    }
    List<LaneObservation> all = new ArrayList<>();
    for (LaneObservation o : states.observations(l.name())) {
      if (!o.worker().equals(worker)) {
        all.add(o);
      }
    }
    if (own != null) {
      all.add(
          new LaneObservation(
              l.name(), worker, own, samples.get(l.name()), null, null, null, clock.instant()));
    }
    Duration v = LaneStates.fleetLatency(all, clock.instant()).orElse(null);
    fleetLatency.put(l.name(), new FleetLatency(now, v));
    return v;
  }

  /** Forgets cached fleet state of an account (after this worker marked it). */
  public synchronized void invalidate(String lane, String account) {
    cache.remove(lane + "/" + account);
  }

  /** Attempts of this worker running on {@code lane} now. */
  public synchronized int running(String lane) {
    return running.getOrDefault(lane, 0);
  }

  private List<Lane.Account> ordered(Lane l) throws IOException {
    List<Lane.Account> usable = new ArrayList<>();
    for (Lane.Account a : l.accounts()) {
      Cached c = state(l, a);
      if (!c.blocked() && !c.full()) {
        usable.add(a);
      }
    }
    Comparator<Lane.Account> byUse =
        Comparator.comparingInt(
            a -> {
              int p = cachedPercent(l, a);
              return p < THRESHOLD_PERCENT ? 0 : 1;
            });
    Comparator<Lane.Account> lru =
        Comparator.comparingLong(a -> lastUsed.getOrDefault(key(l, a), Long.MIN_VALUE));
    Comparator<Lane.Account> leastUsed = Comparator.comparingInt(a -> cachedPercent(l, a));
    // Below the threshold: least recently used first; above it: least used first.
    usable.sort(
        byUse.thenComparing(
            (x, y) ->
                cachedPercent(l, x) < THRESHOLD_PERCENT
                    ? lru.compare(x, y)
                    : leastUsed.thenComparing(lru).compare(x, y)));
    return usable;
  }

  private int cachedPercent(Lane l, Lane.Account a) {
    Cached c = cache.get(key(l, a));
    return c == null ? 0 : c.usedPercent();
  }

  private Cached state(Lane l, Lane.Account a) throws IOException {
    String k = key(l, a);
    long now = nanos.getAsLong();
    Cached c = cache.get(k);
    if (c != null && now - c.readAt() < STATE_TTL_NANOS) {
      return c;
    }
    Instant wall = clock.instant();
    boolean blocked = states.blocked(l.name(), a.name(), wall);
    int percent = 0;
    boolean full = false;
    for (QuotaRule r : a.quotas()) {
      int used = quotas.used(l.name(), a.name(), r, wall);
      percent = Math.max(percent, used * 100 / r.requests());
      full |= used >= r.requests();
    }
    c = new Cached(now, blocked, percent, full);
    cache.put(k, c);
    return c;
  }

  private static String key(Lane l, Lane.Account a) {
    return l.name() + "/" + a.name();
  }

  /** Lanes that answered context_too_large in attempts 1..attempt-1 of this task. */
  private List<String> tooSmall(String id, int attempt) throws IOException {
    List<String> out = new ArrayList<>();
    for (int a = 1; a < attempt; a++) {
      try {
        byte[] b = SafeFiles.readBounded(layout.result(id, a), SpoolJson.MAX_DOCUMENT_BYTES);
        AttemptResult r = SpoolJson.read("results", b, AttemptResult.class);
        if (Classification.CONTEXT_TOO_LARGE.equals(r.classification()) && r.lane() != null) {
          out.add(r.lane());
        }
      } catch (NoSuchFileException | InvalidInputException e) {
        continue; // a gap or a damaged record: the coordinator reports it
      }
    }
    return out;
  }
}
