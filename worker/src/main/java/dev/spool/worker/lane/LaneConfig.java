package dev.spool.worker.lane;

import com.fasterxml.jackson.databind.JsonNode;
import dev.spool.protocol.lanes.QuotaRule;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/**
 * Reads the {@code lanes:} key of a worker config. Unknown keys are refused. One lane:
 *
 * <pre>
 * lanes:
 *   gemini:
 *     argv: [gemini, --model, "{model}", --output-format, json, --prompt, "{prompt}"]
 *     prompt: argument              # stdin (default) | file | argument
 *     model: gemini-2.5-pro
 *     params: {temperature: "0.2"}  # {param.temperature}
 *     concurrency: 2                # default 1
 *     context_tokens: 1000000       # default 128000
 *     local: false
 *     system_prompt: "You review code."
 *     cooldown: 60                  # seconds, after a rate limit without retry-after
 *     breaker: {failures: 5, cool_off: 60}   # circuit breaker (these are the defaults)
 *     health_check: {argv: [gemini, --version], every: 300, timeout: 30}
 *     accounts:
 *       - name: personal
 *         env_file: /etc/spool/accounts/gemini-personal.env
 *         quotas: {per_minute: 5, per_day: 100, per_month: 1000, month_reset_day: 1}
 *       - name: team
 *         env_file: /etc/spool/accounts/gemini-team.env
 *         quotas: [{name: burst, requests: 5, window: 3}]   # any window, in seconds
 *     answer: {json: response}      # or raw (default), or {regex: "..."}
 *     usage:
 *       input_tokens: {json: stats.input_tokens}
 *       cost_usd: {regex: "cost: \\$([0-9.]+)"}
 *     session_id: {regex: "session ([a-z0-9-]+)"}   # recorded in the result
 *     session_args: [--resume, "{session_id}"]       # for a task with input.session_id
 *     schema_args: [--json-schema-file, "{schema_file}"]   # for a task with input.schema
 *     classify:
 *       - {class: rate_limited, pattern: "RESOURCE_EXHAUSTED", retry_after: "retry in (\\d+)s"}
 *       - {class: auth_failed, exit: [41], stream: stderr}
 * </pre>
 */
public final class LaneConfig {
  static final long DEFAULT_CONTEXT = 128_000;
  private static final Pattern NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,63}");

  private LaneConfig() {}

  /** The lanes of a {@code lanes:} mapping, in file order. */
  public static Map<String, Lane> parse(JsonNode v) {
    if (!v.isObject()) {
      throw new IllegalArgumentException("'lanes' must map each lane name to its settings");
    }
    Map<String, Lane> out = new LinkedHashMap<>();
    for (Iterator<Map.Entry<String, JsonNode>> it = v.fields(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> e = it.next();
      String key = "lanes." + e.getKey();
      try {
        out.put(e.getKey(), lane(e.getKey(), e.getValue()));
      } catch (IllegalArgumentException ex) {
        throw new IllegalArgumentException("'" + key + "': " + ex.getMessage(), ex);
      }
    }
    return out;
  }

  private static Lane lane(String name, JsonNode v) {
    name(name, "lane name");
    keys(
        v,
        Set.of(
            "argv",
            "prompt",
            "model",
            "params",
            "concurrency",
            "context_tokens",
            "local",
            "accounts",
            "answer",
            "usage",
            "session_id",
            "classify",
            "cooldown",
            "system_prompt",
            "breaker",
            "health_check",
            "session_args",
            "schema_args"));
    Map<String, String> params = new LinkedHashMap<>();
    v.path("params").fields().forEachRemaining(e -> params.put(e.getKey(), e.getValue().asText()));
    Map<String, Lane.Extract> usage = new LinkedHashMap<>();
    for (Iterator<Map.Entry<String, JsonNode>> it = v.path("usage").fields(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> e = it.next();
      if (!Set.of("input_tokens", "output_tokens", "cost_usd", "model").contains(e.getKey())) {
        throw new IllegalArgumentException("unknown usage field '" + e.getKey() + "'");
      }
      usage.put(e.getKey(), extract("usage." + e.getKey(), e.getValue()));
    }
    JsonNode answer = v.path("answer");
    return new Lane(
        name,
        strings("argv", v.path("argv")),
        delivery(v.path("prompt")),
        v.has("model") ? text("model", v.get("model")) : null,
        params,
        v.path("concurrency").asInt(1),
        v.path("context_tokens").asLong(DEFAULT_CONTEXT),
        v.path("local").asBoolean(false),
        accounts(v.path("accounts")),
        answer.isMissingNode() || "raw".equals(answer.asText(null))
            ? null
            : extract("answer", answer),
        usage,
        v.has("session_id") ? extract("session_id", v.get("session_id")) : null,
        rules(v.path("classify")),
        v.has("cooldown") ? seconds("cooldown", v.get("cooldown")) : null,
        v.has("system_prompt") ? text("system_prompt", v.get("system_prompt")) : null,
        v.has("breaker") ? breaker(v.get("breaker")) : null,
        v.has("health_check") ? health(v.get("health_check")) : null,
        v.has("session_args") ? strings("session_args", v.get("session_args")) : null,
        v.has("schema_args") ? strings("schema_args", v.get("schema_args")) : null);
  }

  private static Lane.HealthCheck health(JsonNode v) {
    keys(v, Set.of("argv", "every", "timeout"));
    return new Lane.HealthCheck(
        strings("health_check.argv", v.path("argv")),
        v.has("every") ? seconds("every", v.get("every")) : Duration.ofMinutes(5),
        v.has("timeout") ? seconds("timeout", v.get("timeout")) : Duration.ofSeconds(30));
  }

  private static Lane.Breaker breaker(JsonNode v) {
    keys(v, Set.of("failures", "cool_off"));
    return new Lane.Breaker(
        v.path("failures").asInt(5),
        v.has("cool_off") ? seconds("cool_off", v.get("cool_off")) : Duration.ofSeconds(60));
  }

  private static Lane.PromptDelivery delivery(JsonNode v) {
    if (v.isMissingNode()) {
      return Lane.PromptDelivery.STDIN;
    }
    try {
      return Lane.PromptDelivery.valueOf(text("prompt", v).toUpperCase(Locale.ROOT));
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("'prompt' must be stdin, file or argument");
    }
  }

  private static List<Lane.Account> accounts(JsonNode v) {
    List<Lane.Account> out = new ArrayList<>();
    if (v.isMissingNode()) {
      out.add(new Lane.Account("default", null, List.of()));
      return out;
    }
    if (!v.isArray()) {
      throw new IllegalArgumentException("'accounts' must be a list");
    }
    Set<String> seen = new HashSet<>();
    for (JsonNode a : v) {
      keys(a, Set.of("name", "env_file", "quotas"));
      String n = name(text("accounts[].name", a.path("name")), "account name");
      if (!seen.add(n)) {
        throw new IllegalArgumentException("account " + n + " is listed twice");
      }
      Path env = a.has("env_file") ? Path.of(text("env_file", a.get("env_file"))) : null;
      if (env != null && !env.isAbsolute()) {
        throw new IllegalArgumentException("account " + n + ": env_file must be absolute");
      }
      out.add(new Lane.Account(n, env, quotas(a.path("quotas"))));
    }
    return out;
  }

  /** {@code {per_minute, per_day, per_month, month_reset_day}} or a list of explicit rules. */
  static List<QuotaRule> quotas(JsonNode v) {
    List<QuotaRule> out = new ArrayList<>();
    if (v.isMissingNode()) {
      return out;
    }
    if (v.isArray()) {
      for (JsonNode r : v) {
        keys(r, Set.of("name", "requests", "window", "reset_day"));
        out.add(
            new QuotaRule(
                text("quotas[].name", r.path("name")),
                r.path("requests").asInt(0),
                r.has("window") ? seconds("window", r.get("window")) : null,
                r.has("reset_day") ? r.get("reset_day").asInt() : null));
      }
      return out;
    }
    keys(v, Set.of("per_minute", "per_day", "per_month", "month_reset_day"));
    if (v.has("per_minute")) {
      out.add(new QuotaRule("minute", v.get("per_minute").asInt(), Duration.ofMinutes(1), null));
    }
    if (v.has("per_day")) {
      out.add(new QuotaRule("day", v.get("per_day").asInt(), Duration.ofDays(1), null));
    }
    if (v.has("per_month")) {
      out.add(
          new QuotaRule(
              "month", v.get("per_month").asInt(), null, v.path("month_reset_day").asInt(1)));
    }
    return out;
  }

  private static List<Lane.Rule> rules(JsonNode v) {
    List<Lane.Rule> out = new ArrayList<>();
    if (v.isMissingNode()) {
      return out;
    }
    if (!v.isArray()) {
      throw new IllegalArgumentException("'classify' must be a list of rules");
    }
    for (JsonNode r : v) {
      keys(r, Set.of("class", "exit", "pattern", "stream", "retry_after"));
      Set<Integer> exits = new HashSet<>();
      for (JsonNode e : r.path("exit")) {
        exits.add(e.asInt());
      }
      if (r.path("exit").isInt()) {
        exits.add(r.get("exit").asInt());
      }
      Lane.Stream stream =
          Lane.Stream.valueOf(r.path("stream").asText("any").toUpperCase(Locale.ROOT));
      out.add(
          new Lane.Rule(
              text("classify[].class", r.path("class")),
              exits,
              r.has("pattern") ? regex("pattern", r.get("pattern")) : null,
              stream,
              r.has("retry_after") ? regex("retry_after", r.get("retry_after")) : null));
    }
    return out;
  }

  private static Lane.Extract extract(String key, JsonNode v) {
    keys(v, Set.of("json", "regex"));
    return new Lane.Extract(
        v.has("json") ? text(key + ".json", v.get("json")) : null,
        v.has("regex") ? regex(key + ".regex", v.get("regex")) : null);
  }

  private static Pattern regex(String key, JsonNode v) {
    try {
      return Pattern.compile(text(key, v));
    } catch (PatternSyntaxException e) {
      throw new IllegalArgumentException("'" + key + "' is not a valid regex: " + e.getMessage());
    }
  }

  private static void keys(JsonNode v, Set<String> allowed) {
    if (!v.isObject()) {
      throw new IllegalArgumentException("expected a mapping, got " + v.getNodeType());
    }
    for (Iterator<String> it = v.fieldNames(); it.hasNext(); ) {
      String n = it.next();
      if (!allowed.contains(n)) {
        throw new IllegalArgumentException("unknown key '" + n + "'");
      }
    }
  }

  private static String name(String n, String what) {
    if (!NAME.matcher(n).matches()) {
      throw new IllegalArgumentException(
          what + " must be 1 to 64 of A-Z a-z 0-9 . _ - (got " + n + ")");
    }
    return n;
  }

  private static String text(String key, JsonNode v) {
    if (!v.isTextual()) {
      throw new IllegalArgumentException("'" + key + "' must be a string");
    }
    return v.asText();
  }

  private static Duration seconds(String key, JsonNode v) {
    if (!v.isNumber() || v.doubleValue() <= 0) {
      throw new IllegalArgumentException("'" + key + "' must be a positive number of seconds");
    }
    return Duration.ofMillis(Math.round(v.doubleValue() * 1000));
  }

  private static List<String> strings(String key, JsonNode v) {
    if (!v.isArray()) {
      throw new IllegalArgumentException("'" + key + "' must be a list of strings");
    }
    List<String> out = new ArrayList<>();
    for (JsonNode n : v) {
      out.add(text(key + "[]", n));
    }
    return out;
  }
}
