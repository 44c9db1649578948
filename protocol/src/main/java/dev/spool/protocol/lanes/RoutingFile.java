package dev.spool.protocol.lanes;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import dev.spool.protocol.spool.SpoolLayout;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Reads {@code config/routing.yaml} (PROTOCOL.md, section 18.1). Unknown keys are refused so a typo
 * cannot silently change routing. An absent file is {@link Routing#NONE}. Example:
 *
 * <pre>
 * types:
 *   reasoning: [opencode, gemini, qwen]
 *   sovereign: {lanes: [llama-local], sovereign: true}
 * lanes:
 *   opencode: {context_tokens: 1000000}
 *   llama-local: {context_tokens: 8192, local: true}
 * models:
 *   gemini-2.5-pro: gemini
 * cooldown: 60
 * scoring: {quota: 40, latency: 30, context: 30, threshold: 50, latency_target: 60}
 * </pre>
 */
public final class RoutingFile {
  private static final long MAX_BYTES = 1024 * 1024;

  private RoutingFile() {}

  /** The routing of the spool; {@link Routing#NONE} without a routing file. */
  public static Routing read(SpoolLayout layout) throws IOException {
    Path p = layout.routingFile();
    try {
      if (Files.size(p) > MAX_BYTES) {
        throw new IOException(p + ": larger than " + MAX_BYTES + " bytes");
      }
      return parse(p.toString(), Files.readAllBytes(p));
    } catch (NoSuchFileException e) {
      return Routing.NONE;
    }
  }

  /**
   * Parses routing YAML.
   *
   * @throws IllegalArgumentException naming the source and the key when the text is wrong
   */
  public static Routing parse(String source, byte[] yaml) {
    JsonNode root;
    try {
      root = new YAMLMapper().readTree(yaml);
    } catch (IOException e) {
      String m = e instanceof JsonProcessingException j ? j.getOriginalMessage() : e.toString();
      throw new IllegalArgumentException(source + ": not valid YAML: " + m, e);
    }
    if (root == null || root.isMissingNode() || root.isNull()) {
      return Routing.NONE;
    }
    try {
      keys(root, "routing", Set.of("types", "lanes", "models", "cooldown", "scoring"));
      Map<String, Routing.Chain> types = new LinkedHashMap<>();
      fields(root.path("types"), "types").forEach((k, v) -> types.put(k, chain("types." + k, v)));
      Map<String, Routing.LaneFacts> lanes = new LinkedHashMap<>();
      fields(root.path("lanes"), "lanes").forEach((k, v) -> lanes.put(k, facts("lanes." + k, v)));
      Map<String, String> models = new LinkedHashMap<>();
      fields(root.path("models"), "models")
          .forEach((k, v) -> models.put(k, text("models." + k, v)));
      Duration cooldown = null;
      if (root.has("cooldown")) {
        JsonNode c = root.get("cooldown");
        if (!c.isNumber() || c.doubleValue() <= 0) {
          throw new IllegalArgumentException("'cooldown' must be a positive number of seconds");
        }
        cooldown = Duration.ofMillis(Math.round(c.doubleValue() * 1000));
      }
      return new Routing(types, lanes, models, cooldown, scoring(root.path("scoring")));
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(source + ": " + e.getMessage(), e);
    }
  }

  private static Routing.Scoring scoring(JsonNode v) {
    if (v.isMissingNode()) {
      return null;
    }
    keys(v, "scoring", Set.of("quota", "latency", "context", "threshold", "latency_target"));
    Routing.Scoring d = Routing.Scoring.DEFAULT;
    JsonNode t = v.path("latency_target");
    if (!t.isMissingNode() && (!t.isNumber() || t.doubleValue() <= 0)) {
      throw new IllegalArgumentException("'scoring.latency_target' must be a positive number");
    }
    return new Routing.Scoring(
        v.path("quota").asInt(d.quota()),
        v.path("latency").asInt(d.latency()),
        v.path("context").asInt(d.context()),
        v.path("threshold").asInt(d.threshold()),
        t.isMissingNode()
            ? d.latencyTarget()
            : Duration.ofMillis(Math.round(t.doubleValue() * 1000)));
  }

  private static Routing.Chain chain(String key, JsonNode v) {
    if (v.isArray()) {
      return new Routing.Chain(strings(key, v), false);
    }
    keys(v, key, Set.of("lanes", "sovereign"));
    JsonNode s = v.path("sovereign");
    if (!s.isMissingNode() && !s.isBoolean()) {
      throw new IllegalArgumentException("'" + key + ".sovereign' must be true or false");
    }
    return new Routing.Chain(strings(key + ".lanes", v.path("lanes")), s.asBoolean(false));
  }

  private static Routing.LaneFacts facts(String key, JsonNode v) {
    keys(v, key, Set.of("context_tokens", "local"));
    JsonNode c = v.path("context_tokens");
    if (!c.isMissingNode() && (!c.canConvertToLong() || c.longValue() < 1)) {
      throw new IllegalArgumentException("'" + key + ".context_tokens' must be a positive number");
    }
    JsonNode l = v.path("local");
    if (!l.isMissingNode() && !l.isBoolean()) {
      throw new IllegalArgumentException("'" + key + ".local' must be true or false");
    }
    return new Routing.LaneFacts(c.isMissingNode() ? null : c.longValue(), l.asBoolean(false));
  }

  private static void keys(JsonNode v, String key, Set<String> allowed) {
    if (!v.isObject()) {
      throw new IllegalArgumentException("'" + key + "' must be a mapping");
    }
    for (Iterator<String> it = v.fieldNames(); it.hasNext(); ) {
      String n = it.next();
      if (!allowed.contains(n)) {
        throw new IllegalArgumentException("unknown key '" + key + "." + n + "'");
      }
    }
  }

  private static Map<String, JsonNode> fields(JsonNode v, String key) {
    Map<String, JsonNode> out = new LinkedHashMap<>();
    if (v.isMissingNode() || v.isNull()) {
      return out;
    }
    if (!v.isObject()) {
      throw new IllegalArgumentException("'" + key + "' must be a mapping");
    }
    v.fields().forEachRemaining(e -> out.put(e.getKey(), e.getValue()));
    return out;
  }

  private static String text(String key, JsonNode v) {
    if (!v.isTextual()) {
      throw new IllegalArgumentException("'" + key + "' must be a string");
    }
    return v.asText();
  }

  private static List<String> strings(String key, JsonNode v) {
    if (!v.isArray()) {
      throw new IllegalArgumentException("'" + key + "' must be a list of lane names");
    }
    List<String> out = new ArrayList<>();
    for (JsonNode n : v) {
      out.add(text(key + "[]", n));
    }
    return out;
  }
}
