package dev.spool.coordinator.submit;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.spool.coordinator.deps.DependencyError;
import dev.spool.coordinator.deps.DependencyGraph;
import dev.spool.protocol.InvalidInputException;
import dev.spool.protocol.json.SpoolJson;
import dev.spool.protocol.task.Task;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Predicate;
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
  public static BatchFile parse(
      String source, byte[] bytes, Supplier<String> ids, Instant now, Predicate<String> inSpool)
      throws InvalidInputException {
    String text = new String(bytes, StandardCharsets.UTF_8).strip();
    List<Task> tasks = new ArrayList<>();
    JsonNode config = null;
    if (text.startsWith("{") && looksLikeEnvelope(source, bytes)) {
      JsonNode root = SpoolJson.read(source, bytes, JsonNode.class);
      JsonNode list = root.get("tasks");
      if (list == null || !list.isArray()) {
        throw new InvalidInputException(source, "tasks", "must be an array of task objects");
      }
      config = root.get("config");
      ObjectNode defaults = defaults(source, config);
      for (int i = 0; i < list.size(); i++) {
        tasks.add(toTask(source, i, list.get(i), defaults, ids, now));
      }
    } else {
      // Each line becomes its task at once, so a big batch never holds every line's JSON tree
      // next to every task (the trees were most of the heap a 100,000-task batch copied in GC).
      ObjectNode defaults = defaults(source, null);
      String[] lines = text.split("\n");
      for (int i = 0; i < lines.length; i++) {
        if (!lines[i].isBlank()) {
          JsonNode node =
              SpoolJson.read(
                  source + ":" + (i + 1),
                  lines[i].getBytes(StandardCharsets.UTF_8),
                  JsonNode.class);
          lines[i] = null;
          tasks.add(toTask(source, tasks.size(), node, defaults, ids, now));
        }
      }
    }
    validate(source, tasks, inSpool);
    Integer max =
        config != null && config.has("max_workers") ? config.get("max_workers").asInt() : null;
    return new BatchFile(tasks, max);
  }

  private static boolean looksLikeEnvelope(String source, byte[] bytes) {
    try {
      return SpoolJson.read(source, bytes, JsonNode.class).has("tasks");
    } catch (InvalidInputException e) {
      // Not one JSON document. JSON lines start with a line that is a whole task object on its
      // own; anything else is a broken envelope, and the envelope parse reports its error.
      String first =
          new String(bytes, StandardCharsets.UTF_8).strip().lines().findFirst().orElse("");
      try {
        return SpoolJson.read(source, first.getBytes(StandardCharsets.UTF_8), JsonNode.class)
            .has("tasks");
      } catch (InvalidInputException notALine) {
        return true;
      }
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
   * Checks ids are unique, dependencies are known (in the batch or the spool) and acyclic.
   *
   * @param inSpool whether an id is already in the spool
   */
  public static void validate(String source, List<Task> tasks, Predicate<String> inSpool)
      throws InvalidInputException {
    Optional<DependencyError> e = DependencyGraph.validate(tasks, inSpool);
    if (e.isPresent()) {
      DependencyError d = e.get();
      int index = -1;
      for (Task t : tasks) {
        if (t.id().equals(d.task())) {
          for (int i = 0; i < t.dependsOn().size(); i++) {
            if (t.dependsOn().get(i).id().equals(d.dependency())) {
              index = i;
            }
          }
        }
      }
      String field =
          d.task().equals(d.dependency())
              ? "id"
              : index >= 0 ? "depends_on[" + index + "]" : "depends_on";
      throw new InvalidInputException(
          source + ": task " + d.task(), field, "dependency " + d.dependency() + " " + d.problem());
    }
  }

  /** Ids of the batch, for callers that check them against the spool. */
  public Set<String> ids() {
    Set<String> s = new HashSet<>();
    tasks.forEach(t -> s.add(t.id()));
    return s;
  }
}
