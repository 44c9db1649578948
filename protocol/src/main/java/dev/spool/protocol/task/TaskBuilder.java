package dev.spool.protocol.task;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Builds a {@link Task}; validation happens once, in {@link #build()}. Not thread-safe. */
public final class TaskBuilder {
  private Integer schemaVersion;
  private String id;
  private String type;
  private String lane;
  private String model;
  private Integer priority;
  private Instant createdAt;
  private List<String> argv = new ArrayList<>();
  private String stdin;
  private String stdinFile;
  private JsonNode input;
  private Map<String, String> env = new LinkedHashMap<>();
  private String cwd;
  private Duration timeout;
  private Duration idleTimeout;
  private Duration queueTimeout;
  private Integer maxRetries;
  private Integer maxLost;
  private Backoff backoff;
  private List<Dependency> dependsOn = new ArrayList<>();
  private List<String> requires = new ArrayList<>();
  private List<String> prefers = new ArrayList<>();
  private Instant notBefore;
  private String idempotencyKey;
  private String group;
  private Map<String, String> labels = new LinkedHashMap<>();
  private JsonNode metadata;

  TaskBuilder(String id) {
    this.id = id;
  }

  TaskBuilder(Task t) {
    schemaVersion = t.schemaVersion();
    id = t.id();
    type = t.type();
    lane = t.lane();
    model = t.model();
    priority = t.priority();
    createdAt = t.createdAt();
    argv = new ArrayList<>(t.argv());
    stdin = t.stdin();
    stdinFile = t.stdinFile();
    input = t.input();
    env = new LinkedHashMap<>(t.env());
    cwd = t.cwd();
    timeout = t.timeout();
    idleTimeout = t.idleTimeout();
    queueTimeout = t.queueTimeout();
    maxRetries = t.maxRetries();
    maxLost = t.maxLost();
    backoff = t.backoff();
    dependsOn = new ArrayList<>(t.dependsOn());
    requires = new ArrayList<>(t.requires());
    prefers = new ArrayList<>(t.prefers());
    notBefore = t.notBefore();
    idempotencyKey = t.idempotencyKey();
    group = t.group();
    labels = new LinkedHashMap<>(t.labels());
    metadata = t.metadata();
  }

  public TaskBuilder id(String v) {
    id = v;
    return this;
  }

  public TaskBuilder type(String v) {
    type = v;
    return this;
  }

  public TaskBuilder lane(String v) {
    lane = v;
    return this;
  }

  public TaskBuilder model(String v) {
    model = v;
    return this;
  }

  public TaskBuilder priority(Integer v) {
    priority = v;
    return this;
  }

  public TaskBuilder createdAt(Instant v) {
    createdAt = v;
    return this;
  }

  public TaskBuilder argv(List<String> v) {
    argv = new ArrayList<>(v);
    return this;
  }

  public TaskBuilder stdin(String v) {
    stdin = v;
    return this;
  }

  public TaskBuilder stdinFile(String v) {
    stdinFile = v;
    return this;
  }

  public TaskBuilder input(JsonNode v) {
    input = v;
    return this;
  }

  public TaskBuilder env(String key, String value) {
    env.put(key, value);
    return this;
  }

  public TaskBuilder cwd(String v) {
    cwd = v;
    return this;
  }

  public TaskBuilder timeout(Duration v) {
    timeout = v;
    return this;
  }

  public TaskBuilder idleTimeout(Duration v) {
    idleTimeout = v;
    return this;
  }

  public TaskBuilder queueTimeout(Duration v) {
    queueTimeout = v;
    return this;
  }

  public TaskBuilder maxRetries(Integer v) {
    maxRetries = v;
    return this;
  }

  public TaskBuilder maxLost(Integer v) {
    maxLost = v;
    return this;
  }

  public TaskBuilder backoff(Backoff v) {
    backoff = v;
    return this;
  }

  public TaskBuilder dependsOn(Dependency v) {
    dependsOn.add(v);
    return this;
  }

  /** Drops every dependency given so far. */
  public TaskBuilder clearDependencies() {
    dependsOn.clear();
    return this;
  }

  public TaskBuilder requires(String v) {
    requires.add(v);
    return this;
  }

  public TaskBuilder prefers(String v) {
    prefers.add(v);
    return this;
  }

  public TaskBuilder notBefore(Instant v) {
    notBefore = v;
    return this;
  }

  public TaskBuilder idempotencyKey(String v) {
    idempotencyKey = v;
    return this;
  }

  public TaskBuilder group(String v) {
    group = v;
    return this;
  }

  public TaskBuilder label(String key, String value) {
    labels.put(key, value);
    return this;
  }

  public TaskBuilder metadata(JsonNode v) {
    metadata = v;
    return this;
  }

  /**
   * Validates and builds.
   *
   * @throws dev.spool.protocol.FieldException naming the first invalid field
   */
  public Task build() {
    return new Task(
        schemaVersion,
        id,
        type,
        lane,
        model,
        priority,
        createdAt,
        argv,
        stdin,
        stdinFile,
        input,
        env,
        cwd,
        timeout,
        idleTimeout,
        queueTimeout,
        maxRetries,
        maxLost,
        backoff,
        dependsOn,
        requires,
        prefers,
        notBefore,
        idempotencyKey,
        group,
        labels,
        metadata);
  }
}
