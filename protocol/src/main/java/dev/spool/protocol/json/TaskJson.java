package dev.spool.protocol.json;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.StreamWriteFeature;
import dev.spool.protocol.task.Backoff;
import dev.spool.protocol.task.Dependency;
import dev.spool.protocol.task.Task;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * A task's compact JSON, byte for byte what {@link SpoolJson#write} gives, written with Jackson's
 * streaming generator alone. Building the object mapper and introspecting {@link Task} cost a short
 * command such as {@code spool submit} more CPU than everything else it does; this writer costs
 * about nothing. It follows the codec's rules: record component order, snake_case, fields that are
 * null or empty (strings, lists, maps) left out, map entries with an empty value left out, instants
 * as ISO-8601 text, durations as plain numbers of seconds.
 *
 * <p>A task with free JSON ({@code input}, {@code metadata}) is written by {@link SpoolJson#write},
 * which has the mapper that encodes it. A test compares both writers over many tasks.
 *
 * <p>Thread-safe.
 */
public final class TaskJson {
  private static final JsonFactory FACTORY =
      JsonFactory.builder().enable(StreamWriteFeature.WRITE_BIGDECIMAL_AS_PLAIN).build();

  private TaskJson() {}

  /** The task's compact JSON (one line, UTF-8), equal to {@code SpoolJson.write(task)}. */
  public static byte[] write(Task task) {
    if (task.input() != null || task.metadata() != null) {
      return SpoolJson.write(task);
    }
    ByteArrayOutputStream out = new ByteArrayOutputStream(512);
    try (JsonGenerator g = FACTORY.createGenerator(out)) {
      writeTask(g, task);
    } catch (IOException e) {
      throw new UncheckedIOException("writing to a byte array cannot fail", e);
    }
    return out.toByteArray();
  }

  private static void writeTask(JsonGenerator g, Task t) throws IOException {
    g.writeStartObject();
    g.writeNumberField("schema_version", t.schemaVersion());
    text(g, "id", t.id());
    text(g, "type", t.type());
    text(g, "lane", t.lane());
    text(g, "model", t.model());
    g.writeNumberField("priority", t.priority());
    instant(g, "created_at", t.createdAt());
    list(g, "argv", t.argv());
    text(g, "stdin", t.stdin());
    text(g, "stdin_file", t.stdinFile());
    map(g, "env", t.env());
    text(g, "cwd", t.cwd());
    duration(g, "timeout", t.timeout());
    duration(g, "idle_timeout", t.idleTimeout());
    duration(g, "queue_timeout", t.queueTimeout());
    g.writeNumberField("max_retries", t.maxRetries());
    g.writeNumberField("max_lost", t.maxLost());
    backoff(g, t.backoff());
    dependencies(g, t.dependsOn());
    list(g, "requires", t.requires());
    list(g, "prefers", t.prefers());
    instant(g, "not_before", t.notBefore());
    text(g, "idempotency_key", t.idempotencyKey());
    text(g, "group", t.group());
    map(g, "labels", t.labels());
    g.writeEndObject();
  }

  private static void text(JsonGenerator g, String field, String value) throws IOException {
    if (value != null && !value.isEmpty()) {
      g.writeStringField(field, value);
    }
  }

  /** As the codec writes an instant ({@link InstantText}). */
  private static void instant(JsonGenerator g, String field, Instant value) throws IOException {
    if (value != null) {
      g.writeStringField(field, InstantText.format(value));
    }
  }

  /** As the codec writes a duration ({@link DurationSeconds}). */
  private static void duration(JsonGenerator g, String field, Duration value) throws IOException {
    if (value != null) {
      g.writeFieldName(field);
      g.writeNumber(DurationSeconds.text(value));
    }
  }

  private static void list(JsonGenerator g, String field, List<String> values) throws IOException {
    if (values.isEmpty()) {
      return;
    }
    g.writeArrayFieldStart(field);
    for (String v : values) {
      g.writeString(v);
    }
    g.writeEndArray();
  }

  /** The codec's inclusion rule applies to map contents too: entries with "" are left out. */
  private static void map(JsonGenerator g, String field, Map<String, String> values)
      throws IOException {
    boolean any = false;
    for (Map.Entry<String, String> e : values.entrySet()) {
      if (e.getValue() == null || e.getValue().isEmpty()) {
        continue;
      }
      if (!any) {
        g.writeObjectFieldStart(field);
        any = true;
      }
      g.writeStringField(e.getKey(), e.getValue());
    }
    if (any) {
      g.writeEndObject();
    }
  }

  private static void backoff(JsonGenerator g, Backoff b) throws IOException {
    g.writeObjectFieldStart("backoff");
    duration(g, "base", b.base());
    g.writeNumberField("factor", b.factor());
    duration(g, "cap", b.cap());
    g.writeNumberField("jitter", b.jitter());
    g.writeEndObject();
  }

  private static void dependencies(JsonGenerator g, List<Dependency> deps) throws IOException {
    if (deps.isEmpty()) {
      return;
    }
    g.writeArrayFieldStart("depends_on");
    for (Dependency d : deps) {
      g.writeStartObject();
      g.writeStringField("id", d.id());
      g.writeStringField("condition", d.condition().code());
      g.writeEndObject();
    }
    g.writeEndArray();
  }
}
