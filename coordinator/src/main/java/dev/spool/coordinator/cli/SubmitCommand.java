package dev.spool.coordinator.cli;

import dev.spool.coordinator.deps.SpoolTaskIds;
import dev.spool.coordinator.submit.BatchFile;
import dev.spool.coordinator.submit.SubmitResult;
import dev.spool.coordinator.submit.Submitter;
import dev.spool.coordinator.submit.TaskIds;
import dev.spool.coordinator.view.TaskView;
import dev.spool.protocol.FieldException;
import dev.spool.protocol.InvalidInputException;
import dev.spool.protocol.json.SpoolJson;
import dev.spool.protocol.result.AttemptResult;
import dev.spool.protocol.spool.SpoolLayout;
import dev.spool.protocol.task.Dependency;
import dev.spool.protocol.task.Task;
import dev.spool.protocol.task.TaskBuilder;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.function.Predicate;
import java.util.function.Supplier;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code spool submit}: one task from options, or a batch file. Prints the task ids. */
@Command(
    name = "submit",
    description =
        "Submit a task (spool submit [options] -- ARGV...) or a batch (--file F). Prints the task id(s).")
final class SubmitCommand implements Callable<Integer> {
  @CommandLine.Spec CommandLine.Model.CommandSpec spec;
  @CommandLine.Mixin SpoolOptions options;

  @Option(
      names = "--file",
      paramLabel = "F",
      description = "A batch: {\"tasks\":[...],\"config\":{...}} or JSON lines.")
  Path file;

  @Option(names = "--id")
  String id;

  @Option(names = "--type")
  String type;

  @Option(names = "--lane")
  String lane;

  @Option(names = "--model")
  String model;

  @Option(names = "--priority", description = "0..999, higher first (default 500).")
  Integer priority;

  @Option(names = "--timeout", converter = DurationParser.class)
  Duration timeout;

  @Option(names = "--idle-timeout", converter = DurationParser.class)
  Duration idleTimeout;

  @Option(names = "--queue-timeout", converter = DurationParser.class)
  Duration queueTimeout;

  @Option(names = "--max-retries")
  Integer maxRetries;

  @Option(names = "--after", paramLabel = "ID[:ok|any|failed]")
  List<String> after = new ArrayList<>();

  @Option(names = "--requires", paramLabel = "CAP")
  List<String> requires = new ArrayList<>();

  @Option(names = "--prefers", paramLabel = "CAP")
  List<String> prefers = new ArrayList<>();

  @Option(names = "--not-before", paramLabel = "TIME|+DURATION")
  String notBefore;

  @Option(
      names = "--key",
      paramLabel = "IDEMPOTENCY_KEY",
      description =
          "Idempotency key. With --file: the batch's key; each task without its own key gets"
              + " KEY/ID (or KEY/#INDEX for a generated id), so rerunning the batch after a crash"
              + " creates only the missing tasks.")
  String key;

  @Option(names = "--label", paramLabel = "K=V")
  Map<String, String> labels = Map.of();

  @Option(names = "--env", paramLabel = "K=V")
  Map<String, String> env = Map.of();

  @Option(
      names = "--stdin",
      paramLabel = "FILE|-",
      description = "Deliver this file (or standard input) on the task's stdin.")
  String stdin;

  @Option(names = "--group")
  String group;

  @Option(
      names = "--prompt",
      paramLabel = "TEXT",
      description = "The prompt of an AI-CLI task (input.prompt).")
  String prompt;

  @Option(
      names = "--schema",
      paramLabel = "FILE",
      description =
          "A JSON Schema the answer of an AI-CLI task must match (input.schema; PROTOCOL.md 18.8).")
  Path schema;

  @Option(
      names = "--continue",
      paramLabel = "ID",
      description =
          "Continue the CLI session of task ID: its last session id becomes input.session_id and"
              + " its lane the lane (unless --lane is given).")
  String continueFrom;

  private String session;

  @Option(
      names = "--fanout",
      paramLabel = "LANE,...",
      split = ",",
      description =
          "One task per lane, all in one group (--group, else --id, else a new id); each task is"
              + " GROUP.LANE with that lane. Compare them with spool compare GROUP.")
  List<String> fanout = new ArrayList<>();

  @CommandLine.Parameters(paramLabel = "ARGV", description = "The command, after --.")
  List<String> argv = new ArrayList<>();

  private final Clock clock;

  SubmitCommand(Clock clock) {
    this.clock = clock;
  }

  @Override
  public Integer call() throws IOException {
    SpoolLayout layout = options.open(spec);
    if (continueFrom != null && !continueSession(layout)) {
      return 2;
    }
    Submitter submitter = new Submitter(layout, SpoolOptions.files(layout), clock);
    TaskIds ids = TaskIds.forProcess(clock);
    List<Task> tasks;
    try {
      if (file != null) {
        return submitBatch(layout, submitter, ids);
      } else if (!fanout.isEmpty()) {
        tasks = fanout(ids);
        for (Task t : tasks) {
          if (submitter.exists(t.id())) {
            throw new InvalidInputException(
                "--fanout", "id", t.id() + " is already used by a task in the spool");
          }
        }
      } else {
        tasks = List.of(single(ids));
        if (id != null && key == null && submitter.exists(id)) {
          throw new InvalidInputException(
              "--id", "id", id + " is already used by a task in the spool");
        }
      }
    } catch (InvalidInputException e) {
      spec.commandLine().getErr().println("spool submit: " + e.getMessage());
      return 2;
    } catch (FieldException e) {
      spec.commandLine()
          .getErr()
          .println("spool submit: option for field '" + e.field() + "': " + e.reason());
      return 2;
    }
    StringBuilder out = new StringBuilder();
    for (Task t : tasks) {
      SubmitResult r = submitter.submit(t);
      out.append(r.id()).append('\n');
    }
    spec.commandLine().getOut().print(out);
    spec.commandLine().getOut().flush();
    return 0;
  }

  /**
   * Submits a batch file through {@link Submitter#submitAll}. With {@code --key K} every task
   * without its own idempotency key gets {@code K/ID} (explicit id) or {@code K/#INDEX} (generated
   * id), so rerunning the same file with the same key after a crash creates only what is missing.
   */
  private int submitBatch(SpoolLayout layout, Submitter submitter, TaskIds ids) throws IOException {
    Set<String> generated = new HashSet<>();
    Supplier<String> next =
        () -> {
          String g = ids.next();
          generated.add(g);
          return g;
        };
    byte[] bytes = Files.readAllBytes(file);
    // Every task's id is looked up once; a task takes at least a few dozen bytes of the file.
    Predicate<String> inSpool = SpoolTaskIds.existsIn(layout, bytes.length / 32);
    List<Task> tasks = new ArrayList<>();
    try {
      List<Task> parsed =
          BatchFile.parse(file.toString(), bytes, next, clock.instant(), inSpool).tasks();
      for (int i = 0; i < parsed.size(); i++) {
        Task t = parsed.get(i);
        boolean gen = generated.contains(t.id());
        if (key != null && t.idempotencyKey() == null) {
          t = t.toBuilder().idempotencyKey(key + "/" + (gen ? "#" + i : t.id())).build();
        }
        if (!gen && !submitter.idIsFree(t, inSpool)) {
          throw new InvalidInputException(
              file + ": task " + t.id(), "id", "is already used by a task in the spool");
        }
        tasks.add(t);
      }
    } catch (InvalidInputException e) {
      spec.commandLine().getErr().println("spool submit: " + e.getMessage());
      return 2;
    } catch (FieldException e) {
      spec.commandLine()
          .getErr()
          .println("spool submit: --key gives field '" + e.field() + "': " + e.reason());
      return 2;
    }
    StringBuilder out = new StringBuilder();
    for (SubmitResult r : submitter.submitAll(tasks, inSpool)) {
      out.append(r.id()).append('\n');
    }
    spec.commandLine().getOut().print(out);
    spec.commandLine().getOut().flush();
    return 0;
  }

  /**
   * The tasks of a fan-out: one per lane, named {@code GROUP.LANE}, each pinned to its lane. A task
   * needs a type or an argv: without {@code --type} the type is {@code fanout} (routing plays no
   * part, as the explicit lane wins).
   */
  private List<Task> fanout(TaskIds ids) throws IOException {
    String g = group != null ? group : id != null ? id : ids.next();
    List<Task> out = new ArrayList<>();
    for (String l : fanout) {
      TaskBuilder b = builder(g + "." + l.strip());
      b.lane(l.strip()).group(g).idempotencyKey(key == null ? null : key + "/" + l.strip());
      if (type == null && argv.isEmpty()) {
        b.type("fanout");
      }
      out.add(b.build());
    }
    return out;
  }

  private Task single(TaskIds ids) throws IOException {
    return builder(id != null ? id : ids.next()).build();
  }

  private TaskBuilder builder(String taskId) throws IOException {
    TaskBuilder b = Task.builder(taskId).createdAt(clock.instant()).argv(argv);
    b.type(type)
        .lane(lane)
        .model(model)
        .priority(priority)
        .timeout(timeout)
        .idleTimeout(idleTimeout);
    b.queueTimeout(queueTimeout).maxRetries(maxRetries).idempotencyKey(key).group(group);
    for (String a : after) {
      b.dependsOn(Dependency.parse(a));
    }
    requires.forEach(b::requires);
    prefers.forEach(b::prefers);
    labels.forEach(b::label);
    env.forEach(b::env);
    if (notBefore != null) {
      b.notBefore(notBefore(notBefore));
    }
    if (stdin != null) {
      b.stdin(readStdin(stdin));
    }
    if (prompt != null || session != null || schema != null) {
      com.fasterxml.jackson.databind.node.ObjectNode input =
          com.fasterxml.jackson.databind.node.JsonNodeFactory.instance.objectNode();
      if (schema != null) {
        input.set("schema", readSchema(schema));
      }
      if (prompt != null) {
        input.put("prompt", prompt);
      }
      if (session != null) {
        input.put("session_id", session);
      }
      b.input(input);
    }
    return b;
  }

  /** Reads the session id and lane to continue; false (after printing why) when there is none. */
  private boolean continueSession(SpoolLayout layout) throws IOException {
    Optional<TaskView> v = TaskView.read(layout, continueFrom);
    List<AttemptResult> attempts = v.isPresent() ? v.get().attempts() : List.of();
    for (int i = attempts.size() - 1; i >= 0; i--) {
      AttemptResult r = attempts.get(i);
      if (r.sessionId() != null) {
        session = r.sessionId();
        lane = lane != null ? lane : r.lane();
        return true;
      }
    }
    spec.commandLine()
        .getErr()
        .println("spool submit: --continue " + continueFrom + ": no attempt recorded a session id");
    return false;
  }

  private Instant notBefore(String text) {
    if (text.startsWith("+")) {
      return clock.instant().plus(DurationParser.parse(text.substring(1)));
    }
    try {
      return Instant.parse(text);
    } catch (java.time.format.DateTimeParseException e) {
      throw new CommandLine.ParameterException(
          spec.commandLine(),
          "--not-before: '" + text + "' is neither an ISO-8601 instant nor +DURATION");
    }
  }

  /** The schema file as a JSON object, through the strict codec (size, depth, duplicates). */
  private com.fasterxml.jackson.databind.JsonNode readSchema(Path file) throws IOException {
    try {
      byte[] b = dev.spool.protocol.fs.SafeFiles.readBounded(file, SpoolJson.MAX_DOCUMENT_BYTES);
      com.fasterxml.jackson.databind.JsonNode n =
          SpoolJson.read(file.toString(), b, com.fasterxml.jackson.databind.JsonNode.class);
      if (!n.isObject()) {
        throw new CommandLine.ParameterException(
            spec.commandLine(), "--schema " + file + ": a JSON Schema must be a JSON object");
      }
      return n;
    } catch (dev.spool.protocol.InvalidInputException e) {
      throw new CommandLine.ParameterException(
          spec.commandLine(), "--schema " + file + ": " + e.getMessage());
    }
  }

  private static String readStdin(String from) throws IOException {
    if ("-".equals(from)) {
      InputStream in = System.in;
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
    return Files.readString(Path.of(from), StandardCharsets.UTF_8);
  }
}
