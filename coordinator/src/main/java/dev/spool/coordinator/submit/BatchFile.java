package dev.spool.coordinator.submit;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.spool.protocol.InvalidInputException;
import dev.spool.protocol.json.SpoolJson;
import dev.spool.protocol.task.Dependency;
import dev.spool.protocol.task.Task;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Supplier;

/**
 * A batch of tasks: {@code {"tasks": [...], "config": {...}}} or JSON lines (one task per line).
 * Also accepts the shape of JSON task-runner files: {@code task_id} for {@code id}, {@code agent}
 * for {@code type}, {@code input_data} for {@code input}, {@code dependencies} for {@code
 * depends_on}, {@code description} into {@code metadata.description}; and in {@code config}: {@code
 * max_workers} (used by {@code spool run}) and {@code timeout_seconds} (the default timeout). Any
 * other key of {@code config.defaults} is a default for every task's same field.
 *
 * <p>The batch is validated whole: ids unique, every dependency known (in the batch or already in
 * the spool), no cycle. Errors name the source, the task and the field.
 */
public final class BatchFile {
  private static final Map<String, String> ALIASES =
      Map.of(
          "task_id", "id",
          "agent", "type",
          "input_data", "input",
          "dependencies", "depends_on");

  private final List<Task> tasks;
  private final Integer maxWorkers;

  private BatchFile(List<Task> tasks, Integer maxWorkers) {
    this.tasks = List.copyOf(tasks);
    this.maxWorkers = maxWorkers;
  }

  public List<Task> tasks() {
    return tasks;
  }

  /** {@code config.max_workers}, if the batch sets it. */
  public Integer maxWorkers() {
    return maxWorkers;
  }

  /**
   * Parses a batch.
   *
   * @param ids generates an id for a task that has none
   * @param now the created_at of tasks that give none
   */
  public static BatchFile parse(String source, byte[] bytes, Supplier<String> ids, Instant now)
      throws InvalidInputException {
    String text = new String(bytes, StandardCharsets.UTF_8).strip();
    List<JsonNode> raw = new ArrayList<>();
    JsonNode config = null;
    if (text.startsWith("{") && looksLikeEnvelope(source, bytes)) {
      JsonNode root = SpoolJson.read(source, bytes, JsonNode.class);
      JsonNode list = root.get("tasks");
      if (list == null || !list.isArray()) {
        throw new InvalidInputException(source, "tasks", "must be an array of task objects");
      }
      list.forEach(raw::add);
      config = root.get("config");
    } else {
      String[] lines = text.split("\n");
      for (int i = 0; i < lines.length; i++) {
        if (!lines[i].isBlank()) {
          raw.add(
              SpoolJson.read(
                  source + ":" + (i + 1),
                  lines[i].getBytes(StandardCharsets.UTF_8),
                  JsonNode.class));
        }
      }
    }
    ObjectNode defaults = defaults(source, config);
    List<Task> tasks = new ArrayList<>();
    for (int i = 0; i < raw.size(); i++) {
      tasks.add(toTask(source, i, raw.get(i), defaults, ids, now));
    }
    validate(source, tasks, Set.of());
    Integer max =
        config != null && config.has("max_workers") ? config.get("max_workers").asInt() : null;
    return new BatchFile(tasks, max);
  }

  private static boolean looksLikeEnvelope(String source, byte[] bytes) {
    try {
      return SpoolJson.read(source, bytes, JsonNode.class).has("tasks");
    } catch (InvalidInputException e) {
      return true; // let the envelope parse report the error
    }
  }

  private static ObjectNode defaults(String source, JsonNode config) throws InvalidInputException {
    ObjectNode d = SpoolJson.mapper().createObjectNode();
    if (config == null) {
      return d;
    }
    if (!config.isObject()) {
      throw new InvalidInputException(source, "config", "must be an object");
    }
    if (config.has("timeout_seconds")) {
      d.set("timeout", config.get("timeout_seconds"));
    }
    JsonNode explicit = config.get("defaults");
    if (explicit != null && explicit.isObject()) {
      d.setAll((ObjectNode) explicit);
    }
    return d;
  }

  private static Task toTask(
      String source,
      int index,
      JsonNode node,
      ObjectNode defaults,
      Supplier<String> ids,
      Instant now)
      throws InvalidInputException {
    String where = source + ": tasks[" + index + "]";
    if (!node.isObject()) {
      throw new InvalidInputException(where, null, "must be a JSON object");
    }
    ObjectNode t = defaults.deepCopy();
    for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> e = it.next();
      String key = ALIASES.getOrDefault(e.getKey(), e.getKey());
      if (!key.equals(e.getKey()) && node.has(key)) {
        throw new InvalidInputException(where, e.getKey(), "cannot be given together with " + key);
      }
      if ("description".equals(key)) {
        ObjectNode meta =
            t.has("metadata") && t.get("metadata").isObject()
                ? (ObjectNode) t.get("metadata")
                : t.putObject("metadata");
        meta.set("description", e.getValue());
      } else {
        t.set(key, e.getValue());
      }
    }
    if (!t.hasNonNull("id")) {
      t.put("id", ids.get());
    }
    if (!t.hasNonNull("created_at")) {
      t.put("created_at", now.toString());
    }
    String label = where + " (id " + t.get("id").asText() + ")";
    return SpoolJson.read(label, SpoolJson.write(t), Task.class);
  }

  /**
   * Checks ids are unique, dependencies are known and acyclic.
   *
   * @param existing ids already in the spool that tasks may depend on
   */
  public static void validate(String source, List<Task> tasks, Set<String> existing)
      throws InvalidInputException {
    Map<String, Task> byId = new LinkedHashMap<>();
    for (Task t : tasks) {
      if (byId.put(t.id(), t) != null) {
        throw new InvalidInputException(
            source + ": task " + t.id(), "id", "is used by more than one task in the batch");
      }
    }
    for (Task t : tasks) {
      for (int i = 0; i < t.dependsOn().size(); i++) {
        String dep = t.dependsOn().get(i).id();
        if (!byId.containsKey(dep) && !existing.contains(dep)) {
          throw new InvalidInputException(
              source + ": task " + t.id(), "depends_on[" + i + "]", "names unknown task " + dep);
        }
      }
    }
    List<String> cycle = findCycle(byId);
    if (!cycle.isEmpty()) {
      throw new InvalidInputException(
          source + ": task " + cycle.get(0),
          "depends_on",
          "forms a cycle: " + String.join(" -> ", cycle));
    }
  }

  /** A dependency cycle as a path that starts and ends at one id, or empty. Iterative DFS. */
  static List<String> findCycle(Map<String, Task> byId) {
    Map<String, Integer> color = new HashMap<>();
    for (String start : byId.keySet()) {
      if (color.getOrDefault(start, 0) != 0) {
        continue;
      }
      List<String> path = new ArrayList<>();
      List<Iterator<Dependency>> stack = new ArrayList<>();
      path.add(start);
      stack.add(byId.get(start).dependsOn().iterator());
      color.put(start, 1);
      while (!stack.isEmpty()) {
        Iterator<Dependency> it = stack.get(stack.size() - 1);
        if (!it.hasNext()) {
          color.put(path.remove(path.size() - 1), 2);
          stack.remove(stack.size() - 1);
          continue;
        }
        String next = it.next().id();
        Task nt = byId.get(next);
        if (nt == null) {
          continue;
        }
        int c = color.getOrDefault(next, 0);
        if (c == 1) {
          List<String> cycle = new ArrayList<>(path.subList(path.indexOf(next), path.size()));
          cycle.add(next);
          return cycle;
        }
        if (c == 0) {
          color.put(next, 1);
          path.add(next);
          stack.add(nt.dependsOn().iterator());
        }
      }
    }
    return List.of();
  }

  /** Ids of the batch, for callers that check them against the spool. */
  public Set<String> ids() {
    Set<String> s = new HashSet<>();
    tasks.forEach(t -> s.add(t.id()));
    return s;
  }
}
