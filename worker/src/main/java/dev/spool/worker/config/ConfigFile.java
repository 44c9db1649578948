package dev.spool.worker.config;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import dev.spool.worker.lane.LaneConfig;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;

/**
 * Reads the worker's YAML config (snake_case keys; durations are numbers of seconds, as everywhere
 * in Spool) onto a {@link WorkerConfig.Builder}. Unknown keys are refused so a typo cannot silently
 * leave a default in place. Example:
 *
 * <pre>
 * spool: /srv/spool
 * worker_id: vm1-1
 * slots: 4
 * reserved_slots: 1           # a bulkhead: one slot only for priority >= 900
 * reserved_min_priority: 900
 * capabilities: [gpu, opencode]
 * allow_argv: false
 * env_allow: [OPENAI_API_KEY, "ANTHROPIC_*"]
 * output_cap: 10485760
 * default_timeout: 3600
 * idle_timeout: 600
 * kill_grace: 5
 * types:
 *   code-review:
 *     argv: [opencode, run, --model, "{model}"]
 *     stdin: "{prompt}"
 *   echo: [/bin/echo, "{input.text}"]
 * lanes:                      # AI-CLI lanes, see LaneConfig
 *   claude: {argv: [claude, -p, --output-format, json], prompt: stdin, answer: {json: result}}
 * </pre>
 */
public final class ConfigFile {
  private ConfigFile() {}

  /**
   * Applies the file's keys to {@code builder}.
   *
   * @throws IllegalArgumentException naming the file and the key when a value is wrong
   */
  public static void apply(Path file, WorkerConfig.Builder builder) throws IOException {
    JsonNode root;
    try {
      root = new YAMLMapper().readTree(Files.readAllBytes(file));
    } catch (JsonProcessingException e) {
      throw new IllegalArgumentException(file + ": not valid YAML: " + e.getOriginalMessage(), e);
    }
    if (root == null || root.isMissingNode() || root.isNull()) {
      return;
    }
    if (!root.isObject()) {
      throw new IllegalArgumentException(file + ": must be a mapping of keys to values");
    }
    try {
      for (Iterator<Map.Entry<String, JsonNode>> it = root.fields(); it.hasNext(); ) {
        Map.Entry<String, JsonNode> e = it.next();
        applyKey(e.getKey(), e.getValue(), builder);
      }
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(file + ": " + e.getMessage(), e);
    }
  }

  private static void applyKey(String key, JsonNode v, WorkerConfig.Builder b) {
    switch (key) {
      case "spool" -> b.spool(Path.of(text(key, v)));
      case "worker_id" -> b.workerId(text(key, v));
      case "instance" -> b.instance(v.isIntegralNumber() ? v.asText() : text(key, v));
      case "reserved_slots" -> b.reservedSlots(integer(key, v));
      case "reserved_min_priority" -> b.reservedMinPriority(integer(key, v));
      case "slots" -> b.slots(integer(key, v));
      case "capabilities" -> b.capabilities(strings(key, v));
      case "types" -> types(v, b);
      case "lanes" -> b.lanes(LaneConfig.parse(v));
      case "allow_argv" -> b.allowArgv(bool(key, v));
      case "quarantine_refused_argv" -> b.quarantineRefusedArgv(bool(key, v));
      case "env_allow" -> b.envAllow(strings(key, v));
      case "output_cap" -> b.outputCapBytes(integer(key, v));
      case "default_timeout" -> b.defaultTimeout(seconds(key, v));
      case "idle_timeout" -> b.idleTimeout(seconds(key, v));
      case "kill_grace" -> b.killGrace(seconds(key, v));
      case "heartbeat_interval" -> b.heartbeatInterval(seconds(key, v));
      case "rescan_interval" -> b.rescanInterval(seconds(key, v));
      case "drain_timeout" -> b.drainTimeout(seconds(key, v));
      case "liveness_check" -> b.livenessCheck(seconds(key, v));
      case "watch" -> b.watch(bool(key, v));
      case "scratch_dir" -> b.scratchDir(Path.of(text(key, v)));
      case "allowed_cwds" -> b.allowedCwds(strings(key, v).stream().map(Path::of).toList());
      default -> throw new IllegalArgumentException("unknown key '" + key + "'");
    }
  }

  private static void types(JsonNode v, WorkerConfig.Builder b) {
    if (!v.isObject()) {
      throw new IllegalArgumentException("'types' must map each type to a template");
    }
    for (Iterator<Map.Entry<String, JsonNode>> it = v.fields(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> e = it.next();
      String key = "types." + e.getKey();
      JsonNode t = e.getValue();
      try {
        if (t.isArray()) {
          b.type(e.getKey(), new TypeTemplate(strings(key, t), null));
        } else if (t.isObject()) {
          for (Iterator<String> names = t.fieldNames(); names.hasNext(); ) {
            String n = names.next();
            if (!n.equals("argv") && !n.equals("stdin") && !n.equals("fatal_exit_codes")) {
              throw new IllegalArgumentException("unknown key '" + key + "." + n + "'");
            }
          }
          String stdin = t.has("stdin") ? text(key + ".stdin", t.get("stdin")) : null;
          java.util.Set<Integer> fatal = new java.util.HashSet<>();
          for (JsonNode code : t.path("fatal_exit_codes")) {
            if (!code.isInt() || code.asInt() < 1 || code.asInt() > 255) {
              throw new IllegalArgumentException(
                  "'" + key + ".fatal_exit_codes' must list exit codes from 1 to 255");
            }
            fatal.add(code.asInt());
          }
          b.type(
              e.getKey(), new TypeTemplate(strings(key + ".argv", t.path("argv")), stdin, fatal));
        } else {
          throw new IllegalArgumentException("'" + key + "' must be an argv list or {argv, stdin}");
        }
      } catch (IllegalArgumentException ex) {
        throw ex.getMessage().contains(key)
            ? ex
            : new IllegalArgumentException("'" + key + "': " + ex.getMessage(), ex);
      }
    }
  }

  private static String text(String key, JsonNode v) {
    if (!v.isTextual()) {
      throw new IllegalArgumentException("'" + key + "' must be a string");
    }
    return v.asText();
  }

  private static int integer(String key, JsonNode v) {
    if (!v.isIntegralNumber() || !v.canConvertToInt()) {
      throw new IllegalArgumentException("'" + key + "' must be a whole number");
    }
    return v.intValue();
  }

  private static boolean bool(String key, JsonNode v) {
    if (!v.isBoolean()) {
      throw new IllegalArgumentException("'" + key + "' must be true or false");
    }
    return v.booleanValue();
  }

  private static Duration seconds(String key, JsonNode v) {
    if (!v.isNumber() || v.doubleValue() < 0 || v.doubleValue() > 30L * 24 * 3600) {
      throw new IllegalArgumentException("'" + key + "' must be a number of seconds");
    }
    return Duration.ofNanos(Math.round(v.doubleValue() * 1e9));
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
