package dev.spool.worker.lane;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.spool.protocol.result.Usage;
import java.util.Map;
import java.util.regex.Matcher;

/**
 * Reads the answer, usage and session id from a CLI's stdout. A JSON extraction parses stdout as
 * one JSON document, or else as JSON lines where the last line holding the field wins (streaming
 * CLIs print events); a regex extraction takes group 1 (or the whole match) of the first match.
 * Stateless and thread-safe.
 */
public final class Extractor {
  private static final ObjectMapper JSON =
      new ObjectMapper().enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);

  private Extractor() {}

  /** The answer: the lane's extraction, or the whole stdout (trimmed) without one. */
  public static String answer(Lane lane, String stdout) {
    return lane.answer() == null ? stdout.strip() : value(lane.answer(), stdout);
  }

  /** Usage as far as the lane's extractions find it; null when none is found. */
  public static Usage usage(Lane lane, String stdout, String stderr) {
    Map<String, Lane.Extract> u = lane.usage();
    Long in = number(value(u.get("input_tokens"), stdout, stderr));
    Long out = number(value(u.get("output_tokens"), stdout, stderr));
    String costText = value(u.get("cost_usd"), stdout, stderr);
    Double cost = null;
    if (costText != null) {
      try {
        cost = Double.parseDouble(costText.replace("$", "").strip());
      } catch (NumberFormatException e) {
        cost = null;
      }
    }
    String model = value(u.get("model"), stdout, stderr);
    if (in == null && out == null && cost == null && model == null) {
      return null;
    }
    return new Usage(in, out, cost, model);
  }

  /** The session id, if the lane reads one and the output has it. */
  public static String sessionId(Lane lane, String stdout, String stderr) {
    return value(lane.sessionId(), stdout, stderr);
  }

  private static String value(Lane.Extract e, String stdout, String stderr) {
    if (e == null) {
      return null;
    }
    String v = value(e, stdout);
    return v != null || e.regex() == null ? v : value(e, stderr);
  }

  static String value(Lane.Extract e, String text) {
    if (e.regex() != null) {
      Matcher m = e.regex().matcher(text);
      if (!m.find()) {
        return null;
      }
      return m.groupCount() >= 1 ? m.group(1) : m.group();
    }
    JsonNode whole = parse(text);
    if (whole != null && whole.isContainerNode()) {
      return field(whole, e.json());
    }
    String found = null;
    for (String line : text.split("\n")) {
      JsonNode n = line.isBlank() ? null : parse(line);
      String v = n == null ? null : field(n, e.json());
      found = v != null ? v : found;
    }
    return found;
  }

  private static JsonNode parse(String text) {
    try {
      return JSON.readTree(text);
    } catch (java.io.IOException e) {
      return null;
    }
  }

  private static String field(JsonNode node, String path) {
    for (String part : path.split("\\.")) {
      if (node == null) {
        return null;
      }
      node =
          node.isArray() && part.matches("\\d+")
              ? node.get(Integer.parseInt(part))
              : node.get(part);
    }
    if (node == null || node.isNull() || node.isMissingNode()) {
      return null;
    }
    return node.isValueNode() ? node.asText() : node.toString();
  }

  private static Long number(String s) {
    if (s == null) {
      return null;
    }
    try {
      return Long.parseLong(s.replace(",", "").strip());
    } catch (NumberFormatException e) {
      return null;
    }
  }
}
