package dev.spool.worker.lane;

import com.fasterxml.jackson.databind.JsonNode;
import dev.spool.protocol.task.Task;
import dev.spool.worker.exec.ArgvTemplate;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The command line of one attempt on a lane: the argv expanded from the lane's template (each
 * placeholder one argv element, no shell; the element {@code {session_args}} alone is replaced by
 * the lane's {@code session_args} when the task continues a session, and by nothing otherwise;
 * {@code {schema_args}} likewise by the lane's {@code schema_args} when the task has a JSON schema
 * in {@code input.schema}, whose placeholders {@code {schema_file}} (a file holding the schema) and
 * {@code {schema}} (its compact JSON text) are available to the whole template), the stdin (the
 * prompt for {@code prompt: stdin}, else none: an immediate EOF, so a CLI that asks a question
 * cannot wait forever), and the account's environment. Stateless.
 *
 * @param argv the program and its arguments
 * @param stdin bytes for stdin, or null for EOF at once
 * @param env the account's variables (credentials), added over the task environment
 */
public record LaneCommand(List<String> argv, byte[] stdin, Map<String, String> env) {
  /** The one argv element that expands to zero or more elements: the lane's session_args. */
  static final String SESSION_ARGS = "{session_args}";

  /** Likewise for the lane's schema_args, for a task with {@code input.schema}. */
  static final String SCHEMA_ARGS = "{schema_args}";

  /** The prompt of a task: {@code input.prompt}, else its {@code stdin}; empty when neither. */
  public static String prompt(Task task) {
    String p = ArgvTemplate.inputField(task, "prompt");
    if (p == null) {
      p = task.stdin();
    }
    return p == null ? "" : p;
  }

  /** Estimated tokens of a task on a lane: characters of prompt and system prompt over 4. */
  public static long estimatedTokens(Task task, Lane lane) {
    long chars = prompt(task).length();
    chars += lane.systemPrompt() == null ? 0 : lane.systemPrompt().length();
    return (chars + 3) / 4;
  }

  /**
   * Builds the command.
   *
   * @param promptFile where the prompt was written for {@code prompt: file} (else ignored)
   * @param schemaFile where the task's schema was written (null when it has none)
   * @throws ArgvTemplate.TemplateException a placeholder without a value (a fatal launch failure)
   * @throws IOException the account's env file cannot be read
   */
  public static LaneCommand build(
      Lane lane, Lane.Account account, Task task, int attempt, Path promptFile, Path schemaFile)
      throws ArgvTemplate.TemplateException, IOException {
    String schema = AnswerSchema.of(task).map(JsonNode::toString).orElse(null);
    String prompt = prompt(task);
    String model = task.model() != null ? task.model() : lane.model();
    ArgvTemplate.Resolver values =
        name -> {
          String v =
              switch (name) {
                case "prompt" -> prompt;
                case "prompt_file" -> promptFile == null ? null : promptFile.toString();
                case "model" -> model;
                case "system_prompt" -> lane.systemPrompt();
                case "lane" -> lane.name();
                case "account" -> account.name();
                case "task_id" -> task.id();
                case "attempt" -> Integer.toString(attempt);
                case "schema" -> schema;
                case "schema_file" -> schemaFile == null ? null : schemaFile.toString();
                default -> param(name, lane, task);
              };
          if (v == null) {
            throw new ArgvTemplate.TemplateException(
                "lane " + lane.name() + ": task " + task.id() + " has no value for {" + name + "}");
          }
          return v;
        };
    String session = ArgvTemplate.inputField(task, "session_id");
    List<String> resume = new ArrayList<>();
    if (session != null) {
      for (String element : lane.sessionArgs()) {
        resume.add(
            ArgvTemplate.expand(
                element, name -> "session_id".equals(name) ? session : values.value(name)));
      }
    }
    List<String> schemaArgs = new ArrayList<>();
    if (schema != null) {
      for (String element : lane.schemaArgs()) {
        schemaArgs.add(ArgvTemplate.expand(element, values));
      }
    }
    List<String> argv = new ArrayList<>();
    boolean spliced = false;
    boolean schemaSpliced = false;
    for (String element : lane.argv()) {
      if (SESSION_ARGS.equals(element)) {
        argv.addAll(resume);
        spliced = true;
      } else if (SCHEMA_ARGS.equals(element)) {
        argv.addAll(schemaArgs);
        schemaSpliced = true;
      } else {
        argv.add(ArgvTemplate.expand(element, values));
      }
    }
    if (!spliced) {
      argv.addAll(resume);
    }
    if (!schemaSpliced) {
      argv.addAll(schemaArgs);
    }
    byte[] stdin =
        lane.prompt() == Lane.PromptDelivery.STDIN ? prompt.getBytes(StandardCharsets.UTF_8) : null;
    Map<String, String> env =
        account.envFile() == null ? Map.of() : EnvFile.read(account.envFile());
    return new LaneCommand(argv, stdin, env);
  }

  private static String param(String name, Lane lane, Task task) {
    if (name.startsWith("param.")) {
      return lane.params().get(name.substring(6));
    }
    if (name.startsWith("input.")) {
      return ArgvTemplate.inputField(task, name.substring(6));
    }
    return null;
  }
}
