package dev.spool.coordinator.view;

import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * One lane account as the fleet's shared state shows it: usable, cooling down until when, or
 * disabled; attempts running on it now; each quota window's use; the last error reported for it.
 *
 * @param state {@code usable}, {@code cooling}, {@code disabled}, or {@code unreadable} (a name
 *     outside the grammar or a damaged file; {@code lastError} says which)
 * @param until the end of the cooldown when cooling, else null
 * @param lastError the classification and reason of the cooldown or disabled mark, or null
 * @param registeredBy the worker that last declared the account, or null when only marked
 * @param inUse attempts running on the account now (claimed tasks whose lane log names it)
 * @param latencySeconds the lane's fleet-wide moving-average latency, or null before any result
 * @param breakers each worker's circuit breaker for the lane, as its last observation says
 */
public record LaneRow(
    String lane,
    String account,
    String state,
    Instant until,
    String lastError,
    List<Quota> quotas,
    String registeredBy,
    int inUse,
    Double latencySeconds,
    List<Breaker> breakers) {
  public static final String USABLE = "usable";
  public static final String COOLING = "cooling";
  public static final String DISABLED = "disabled";
  public static final String UNREADABLE = "unreadable";

  public LaneRow {
    Objects.requireNonNull(lane, "lane");
    Objects.requireNonNull(account, "account");
    Objects.requireNonNull(state, "state");
    quotas = List.copyOf(quotas);
    breakers = List.copyOf(breakers);
  }

  /**
   * One worker's breaker for the lane: {@code closed}, {@code open} (until {@code openUntil}) or
   * {@code half_open} (open past its cool-off: the next attempt is a probe).
   */
  public record Breaker(
      String worker, String state, int failuresInARow, Instant openUntil, Instant at) {
    public Breaker {
      Objects.requireNonNull(worker, "worker");
      Objects.requireNonNull(state, "state");
    }
  }

  /** "closed", or the workers whose breaker is not closed: "open w1, half_open w2". */
  public String breakerText() {
    List<String> parts = new ArrayList<>();
    for (Breaker b : breakers) {
      if (!"closed".equals(b.state())) {
        parts.add(b.state() + " " + b.worker());
      }
    }
    return parts.isEmpty() ? "closed" : String.join(", ", parts);
  }

  /** One quota window of the account at the time the row was read. */
  public record Quota(String name, int used, int limit, Instant resetsAt) {
    public Quota {
      Objects.requireNonNull(name, "name");
    }

    public int left() {
      return Math.max(0, limit - used);
    }
  }

  /** The quotas as {@code name used/limit} words, or "-" when the account has none. */
  public String quotaText() {
    List<String> parts = new ArrayList<>();
    for (Quota q : quotas) {
      parts.add(q.name() + " " + q.used() + "/" + q.limit());
    }
    return parts.isEmpty() ? "-" : String.join(" ", parts);
  }

  /** The row as {@code spool lanes --json} prints it. */
  public Map<String, Object> json() {
    Map<String, Object> r = new LinkedHashMap<>();
    r.put("lane", lane);
    r.put("account", account);
    r.put("state", state);
    r.put("until", until);
    r.put("last_error", lastError);
    List<Map<String, Object>> q = new ArrayList<>();
    for (Quota quota : quotas) {
      Map<String, Object> m = new LinkedHashMap<>();
      m.put("name", quota.name());
      m.put("used", quota.used());
      m.put("limit", quota.limit());
      m.put("left", quota.left());
      m.put("resets_at", quota.resetsAt());
      q.add(m);
    }
    r.put("quota", q);
    r.put("quota_text", quotaText());
    r.put("registered_by", registeredBy);
    r.put("in_use", inUse);
    r.put("latency_seconds", latencySeconds);
    List<Map<String, Object>> b = new ArrayList<>();
    for (Breaker breaker : breakers) {
      Map<String, Object> m = new LinkedHashMap<>();
      m.put("worker", breaker.worker());
      m.put("state", breaker.state());
      m.put("failures_in_a_row", breaker.failuresInARow());
      m.put("open_until", breaker.openUntil());
      m.put("at", breaker.at());
      b.add(m);
    }
    r.put("breakers", b);
    r.put("breaker_text", breakerText());
    return r;
  }
}
