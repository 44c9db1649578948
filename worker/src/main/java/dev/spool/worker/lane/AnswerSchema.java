package dev.spool.worker.lane;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.networknt.schema.JsonSchema;
import com.networknt.schema.JsonSchemaFactory;
import com.networknt.schema.SpecVersion;
import com.networknt.schema.ValidationMessage;
import com.networknt.schema.resource.AllowSchemaLoader;
import dev.spool.protocol.task.Task;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * The JSON schema a task's answer must match: {@code input.schema} (a JSON Schema object, draft
 * 2020-12 unless it names another draft in {@code $schema}). The worker checks the schema before
 * the CLI starts (a task whose schema does not compile is refused: a fatal launch failure) and the
 * extracted answer after it ended (an answer that is not JSON or does not match is class {@code
 * failed}, which takes the ordinary retry policy). An answer wrapped in one Markdown code fence is
 * read without the fence. References are resolved only within the schema and to the bundled
 * meta-schemas: a task file never makes the worker fetch a URL. Stateless and thread-safe.
 */
public final class AnswerSchema {
  /** The field of {@code input} that holds the schema. */
  public static final String FIELD = "schema";

  private static final int MAX_PROBLEMS = 5;
  private static final ObjectMapper JSON =
      new ObjectMapper().enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);
  private static final JsonSchemaFactory FACTORY =
      JsonSchemaFactory.getInstance(
          SpecVersion.VersionFlag.V202012,
          b ->
              b.schemaLoaders(
                  loaders ->
                      loaders.values(
                          list ->
                              list.add(
                                  0,
                                  new AllowSchemaLoader(
                                      iri -> {
                                        String s = iri.toString();
                                        return s.startsWith("classpath:")
                                            || s.startsWith("https://json-schema.org/")
                                            || s.startsWith("http://json-schema.org/");
                                      })))));

  private AnswerSchema() {}

  /** The task's schema, or empty when it has none. */
  public static Optional<JsonNode> of(Task task) {
    JsonNode input = task.input();
    if (input == null || !input.isObject() || !input.has(FIELD)) {
      return Optional.empty();
    }
    return Optional.of(input.get(FIELD));
  }

  /**
   * Checks that a task's schema can be used, before its CLI starts.
   *
   * @throws IllegalArgumentException when it cannot (the message names {@code input.schema})
   */
  public static void check(JsonNode schema) {
    compile(schema);
  }

  /**
   * Compiles a schema.
   *
   * @throws IllegalArgumentException when it is not a usable JSON schema (the message says why)
   */
  static JsonSchema compile(JsonNode schema) {
    if (!schema.isObject() && !schema.isBoolean()) {
      throw new IllegalArgumentException("input.schema must be a JSON object (a JSON Schema)");
    }
    try {
      JsonSchema s = FACTORY.getSchema(schema);
      s.initializeValidators();
      return s;
    } catch (RuntimeException e) {
      throw new IllegalArgumentException(
          "input.schema is not a usable JSON schema: " + e.getMessage(), e);
    }
  }

  /**
   * What is wrong with {@code answer} under {@code schema}: empty when it matches, else at most
   * {@value #MAX_PROBLEMS} messages (the first says when the answer is not JSON at all).
   */
  static List<String> problems(JsonNode schema, String answer) {
    JsonNode value;
    try {
      value = JSON.readTree(unfenced(answer == null ? "" : answer));
    } catch (java.io.IOException e) {
      return List.of("the answer is not JSON: " + firstLine(e.getMessage()));
    }
    if (value == null || value.isMissingNode()) {
      return List.of("the answer is empty");
    }
    Set<ValidationMessage> errors = compile(schema).validate(value);
    List<String> out = new ArrayList<>();
    for (ValidationMessage m : errors) {
      if (out.size() == MAX_PROBLEMS) {
        out.add("and " + (errors.size() - MAX_PROBLEMS) + " more");
        break;
      }
      out.add(m.getMessage());
    }
    return out;
  }

  /** The text inside one surrounding Markdown code fence (```json ... ```), else the text. */
  static String unfenced(String text) {
    String t = text.strip();
    if (t.startsWith("```") && t.endsWith("```") && t.length() >= 6) {
      int nl = t.indexOf('\n');
      if (nl > 0 && nl < t.length() - 3) {
        return t.substring(nl + 1, t.length() - 3).strip();
      }
    }
    return t;
  }

  private static String firstLine(String s) {
    if (s == null) {
      return "";
    }
    int nl = s.indexOf('\n');
    return nl < 0 ? s : s.substring(0, nl);
  }
}
