package dev.spool.protocol.task;

import com.fasterxml.jackson.databind.JsonNode;
import dev.spool.protocol.FieldException;
import dev.spool.protocol.Require;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * A task as written in a task file. Immutable; the constructor refuses every invalid state and
 * fills documented defaults, so a {@code Task} that exists can be run. The JSON form (snake_case)
 * is specified in PROTOCOL.md, section "Task".
 *
 * <p>A task names what to run either as {@code argv} (executed directly, never through a shell) or
 * as a {@code type} that a worker maps to a command template; it may name both, in which case the
 * worker's config decides whether raw argv is allowed.
 */
public record Task(
    Integer schemaVersion,
    String id,
    String type,
    String lane,
    String model,
    Integer priority,
    Instant createdAt,
    List<String> argv,
    String stdin,
    String stdinFile,
    JsonNode input,
    Map<String, String> env,
    String cwd,
    Duration timeout,
    Duration idleTimeout,
    Duration queueTimeout,
    Integer maxRetries,
    Integer maxLost,
    Backoff backoff,
    List<Dependency> dependsOn,
    List<String> requires,
    List<String> prefers,
    Instant notBefore,
    String idempotencyKey,
    String group,
    Map<String, String> labels,
    JsonNode metadata) {

  public static final int SCHEMA_VERSION = 1;
  public static final int MIN_PRIORITY = 0;
  public static final int MAX_PRIORITY = 999;
  public static final int DEFAULT_PRIORITY = 500;
  public static final int DEFAULT_MAX_RETRIES = 3;
  public static final int DEFAULT_MAX_LOST = 3;
  public static final int MAX_ARGV = 4096;
  public static final int MAX_STDIN_CHARS = 512 * 1024;
  public static final Duration MAX_DURATION = Duration.ofDays(30);

  public Task {
    schemaVersion = schemaVersion == null ? SCHEMA_VERSION : schemaVersion;
    if (schemaVersion < 1 || schemaVersion > SCHEMA_VERSION) {
      throw new FieldException(
          "schema_version",
          "task schema "
              + schemaVersion
              + " is not supported; this program reads 1 to "
              + SCHEMA_VERSION);
    }
    Require.id(id, "id");
    if (type != null) {
      Require.name(type, "type");
    }
    if (lane != null) {
      Require.name(lane, "lane");
    }
    if (model != null) {
      Require.noNul(model, "model");
    }
    priority = priority == null ? DEFAULT_PRIORITY : priority;
    Require.range(priority, MIN_PRIORITY, MAX_PRIORITY, "priority");
    argv = argv(argv);
    if (argv.isEmpty() && type == null) {
      throw new FieldException("argv", "is required when the task has no type");
    }
    if (stdin != null && stdin.length() > MAX_STDIN_CHARS) {
      throw new FieldException("stdin", "is longer than " + MAX_STDIN_CHARS + " characters");
    }
    if (stdin != null && stdinFile != null) {
      throw new FieldException("stdin_file", "cannot be given together with stdin");
    }
    if (stdinFile != null) {
      Require.noNul(stdinFile, "stdin_file");
    }
    env = Require.stringMap(env, "env");
    for (String key : env.keySet()) {
      if (key.isEmpty() || key.indexOf('=') >= 0) {
        throw new FieldException("env", "variable names must be non-empty and contain no '='");
      }
    }
    if (cwd != null) {
      Require.noNul(cwd, "cwd");
    }
    duration(timeout, "timeout");
    duration(idleTimeout, "idle_timeout");
    duration(queueTimeout, "queue_timeout");
    maxRetries = maxRetries == null ? DEFAULT_MAX_RETRIES : maxRetries;
    Require.range(maxRetries, 0, 1000, "max_retries");
    maxLost = maxLost == null ? DEFAULT_MAX_LOST : maxLost;
    Require.range(maxLost, 0, 1000, "max_lost");
    backoff = backoff == null ? Backoff.DEFAULT : backoff;
    dependsOn = dependsOn == null ? List.of() : List.copyOf(dependsOn);
    for (Dependency d : dependsOn) {
      if (d.id().equals(id)) {
        throw new FieldException("depends_on", "a task cannot depend on itself");
      }
    }
    requires = Require.names(requires, "requires");
    prefers = Require.names(prefers, "prefers");
    if (idempotencyKey != null) {
      Require.noNul(idempotencyKey, "idempotency_key");
      if (idempotencyKey.isEmpty() || idempotencyKey.length() > 256) {
        throw new FieldException("idempotency_key", "must be 1 to 256 characters");
      }
    }
    if (group != null) {
      Require.id(group, "group");
    }
    labels = Require.stringMap(labels, "labels");
    for (String key : labels.keySet()) {
      Require.name(key, "labels");
    }
  }

  private static List<String> argv(List<String> argv) {
    if (argv == null) {
      return List.of();
    }
    if (argv.size() > MAX_ARGV) {
      throw new FieldException("argv", "has more than " + MAX_ARGV + " elements");
    }
    List<String> copy = new ArrayList<>(argv.size());
    for (int i = 0; i < argv.size(); i++) {
      copy.add(Require.noNul(argv.get(i), "argv[" + i + "]"));
    }
    if (!copy.isEmpty() && copy.get(0).isEmpty()) {
      throw new FieldException("argv[0]", "must not be empty");
    }
    return List.copyOf(copy);
  }

  private static void duration(Duration d, String field) {
    if (d != null && (d.isNegative() || d.isZero() || d.compareTo(MAX_DURATION) > 0)) {
      throw new FieldException(field, "must be more than 0 and at most 30 days (in seconds)");
    }
  }

  /** A task with only the required fields; the rest take their defaults. */
  public static Task ofArgv(String id, Instant createdAt, List<String> argv) {
    return builder(id).createdAt(createdAt).argv(argv).build();
  }

  public static TaskBuilder builder(String id) {
    return new TaskBuilder(id);
  }

  /** A builder initialised with this task's fields. */
  public TaskBuilder toBuilder() {
    return new TaskBuilder(this);
  }
}
