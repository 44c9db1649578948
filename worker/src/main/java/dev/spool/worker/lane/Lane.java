package dev.spool.worker.lane;

import dev.spool.protocol.lanes.Classification;
import dev.spool.protocol.lanes.QuotaRule;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * A lane: a named way to run one AI CLI on this worker (PROTOCOL.md, section 18; the YAML form is
 * in {@link LaneConfig}). Immutable.
 *
 * @param argv the command template; each element yields exactly one argv element ({@code {prompt}},
 *     {@code {prompt_file}}, {@code {model}}, {@code {system_prompt}}, {@code {param.NAME}}, {@code
 *     {lane}}, {@code {account}}, {@code {task_id}}, {@code {attempt}}, {@code {input.x}}, {@code
 *     {schema}}, {@code {schema_file}})
 * @param prompt how the prompt reaches the CLI
 * @param model the default model ({@code {model}}); a task's {@code model} replaces it
 * @param params lane parameters for {@code {param.NAME}}
 * @param concurrency attempts of this lane running at once on this worker
 * @param contextTokens the lane's context window; a task estimated larger is never given to it
 * @param local whether the lane runs on this machine (a sovereign chain uses only local lanes)
 * @param accounts the accounts, each with its env file (credentials) and quotas
 * @param answer how to read the answer from stdout (null: the raw stdout)
 * @param usage how to read token usage and cost (keys input_tokens, output_tokens, cost_usd, model)
 * @param sessionId how to read the CLI's session id (may be null)
 * @param rules classification rules, tried in order before the built-in ones
 * @param cooldown the cooldown after a rate limit without a retry-after (null: the routing file's)
 * @param systemPrompt the text of {@code {system_prompt}} (may be null)
 * @param breaker the lane's circuit breaker ({@link LaneBreaker})
 * @param healthCheck the lane's health check ({@link LaneHealth}); null for none
 * @param sessionArgs argv elements that continue a session ({@code {session_id}} = the task's
 *     {@code input.session_id}), put where the argv has the element {@code {session_args}} (else
 *     appended); left out entirely for a task without a session id
 * @param schemaArgs argv elements that pass a task's JSON schema ({@code input.schema}) to a CLI
 *     that accepts one, e.g. {@code [--json-schema-file, "{schema_file}"]}, put where the argv has
 *     the element {@code {schema_args}} (else appended); left out for a task without a schema
 */
public record Lane(
    String name,
    List<String> argv,
    PromptDelivery prompt,
    String model,
    Map<String, String> params,
    int concurrency,
    long contextTokens,
    boolean local,
    List<Account> accounts,
    Extract answer,
    Map<String, Extract> usage,
    Extract sessionId,
    List<Rule> rules,
    Duration cooldown,
    String systemPrompt,
    Breaker breaker,
    HealthCheck healthCheck,
    List<String> sessionArgs,
    List<String> schemaArgs) {

  /** A command whose exit 0 within {@code timeout} says the lane works, run every {@code every}. */
  public record HealthCheck(List<String> argv, Duration every, Duration timeout) {
    public HealthCheck {
      argv = List.copyOf(argv);
      if (argv.isEmpty() || argv.get(0).isEmpty()) {
        throw new IllegalArgumentException("health_check.argv must name a program");
      }
      Objects.requireNonNull(every, "every");
      Objects.requireNonNull(timeout, "timeout");
    }
  }

  /** Open after {@code failures} failed attempts in a row, for {@code coolOff}; then one probe. */
  public record Breaker(int failures, Duration coolOff) {
    public Breaker {
      if (failures < 1) {
        throw new IllegalArgumentException("breaker failures must be at least 1");
      }
      Objects.requireNonNull(coolOff, "cool_off");
    }
  }

  /** How the prompt is delivered. */
  public enum PromptDelivery {
    /** Written to the CLI's stdin, which is then closed. */
    STDIN,
    /** Written to a file whose path is {@code {prompt_file}}; stdin is closed at once. */
    FILE,
    /** Substituted as {@code {prompt}} into one argv element; stdin is closed at once. */
    ARGUMENT
  }

  /**
   * One account of a lane. {@code envFile} holds KEY=VALUE lines added to the CLI's environment;
   * its contents are never copied into task files, results or logs.
   */
  public record Account(String name, Path envFile, List<QuotaRule> quotas) {
    public Account {
      Objects.requireNonNull(name, "name");
      quotas = List.copyOf(quotas);
    }
  }

  /** Reads one value from stdout: a JSON field path ({@code a.b.c}) or a regex's group 1. */
  public record Extract(String json, Pattern regex) {
    public Extract {
      if ((json == null) == (regex == null)) {
        throw new IllegalArgumentException("an extraction needs exactly one of json or regex");
      }
    }
  }

  /** Which output a rule's pattern looks at. */
  public enum Stream {
    STDOUT,
    STDERR,
    ANY
  }

  /**
   * A classification rule: it matches when the exit code is in {@code exitCodes} (empty: any) and
   * {@code pattern} (null: always) is found in the stream; {@code retryAfter}'s group 1 is a number
   * of seconds.
   */
  public record Rule(
      String classification,
      Set<Integer> exitCodes,
      Pattern pattern,
      Stream stream,
      Pattern retryAfter) {
    public Rule {
      Classification.check(classification);
      exitCodes = Set.copyOf(exitCodes);
      Objects.requireNonNull(stream, "stream");
    }
  }

  public Lane {
    Objects.requireNonNull(name, "name");
    argv = List.copyOf(argv);
    if (argv.isEmpty() || argv.get(0).isEmpty() || argv.get(0).contains("{")) {
      throw new IllegalArgumentException("lane " + name + ": argv[0] must be a fixed program");
    }
    Objects.requireNonNull(prompt, "prompt");
    params = Map.copyOf(params);
    if (concurrency < 1) {
      throw new IllegalArgumentException("lane " + name + ": concurrency must be at least 1");
    }
    if (contextTokens < 1) {
      throw new IllegalArgumentException("lane " + name + ": context_tokens must be positive");
    }
    accounts = List.copyOf(accounts);
    if (accounts.isEmpty()) {
      throw new IllegalArgumentException("lane " + name + ": needs at least one account");
    }
    usage = Map.copyOf(usage);
    rules = List.copyOf(rules);
    breaker = breaker == null ? new Breaker(5, Duration.ofSeconds(60)) : breaker;
    sessionArgs = sessionArgs == null ? List.of() : List.copyOf(sessionArgs);
    schemaArgs = schemaArgs == null ? List.of() : List.copyOf(schemaArgs);
  }
}
