package dev.spool.chaos;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.spool.coordinator.submit.Submitter;
import dev.spool.protocol.control.ControlRequest;
import dev.spool.protocol.fs.AtomicFiles;
import dev.spool.protocol.json.SpoolJson;
import dev.spool.protocol.spool.SpoolLayout;
import dev.spool.protocol.spool.TaskState;
import dev.spool.protocol.task.Backoff;
import dev.spool.protocol.task.Task;
import dev.spool.protocol.task.TaskBuilder;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Stream;

/**
 * Tasks with a known effect. Each run of a task appends one line {@code ATTEMPT WORKER} to its own
 * marker file {@code markers/ID} before it sleeps and exits, and its pid to {@code markers/pids}
 * (so the cluster can kill orphans). Submitted through the real {@link Submitter}.
 */
final class Workload {
  private static final String SCRIPT =
      String.join(
          "\n",
          "#!/bin/sh",
          "# $1 markers dir, $2 seconds to sleep, $3 exit status",
          "echo $$ >> \"$1/pids\"",
          "echo \"$SPOOL_ATTEMPT $SPOOL_WORKER_ID\" >> \"$1/$SPOOL_TASK_ID\"",
          "sleep \"$2\"",
          "exit \"$3\"",
          "");

  private final Cluster cluster;
  private final Path script;
  private Submitter submitter;

  /** Submitted ids and the terminal state each must reach (done, or dead for failing tasks). */
  private final Map<String, TaskState> expected = new LinkedHashMap<>();

  /** Submitted ids whose runs leave no marker (their effect is checked by their scenario). */
  private final Set<String> unmarked = new HashSet<>();

  Workload(Cluster cluster) throws IOException {
    this.cluster = cluster;
    this.script = cluster.dir.resolve("marker.sh");
    Files.writeString(script, SCRIPT);
    Files.setPosixFilePermissions(script, PosixFilePermissions.fromString("rwxr-xr-x"));
    this.submitter = new Submitter(cluster.layout, cluster.files, Clock.systemUTC());
  }

  /**
   * Submits from now on through another view of the spool (another host's mount of it) instead of
   * the cluster's own.
   */
  void submitThrough(SpoolLayout layout, AtomicFiles files) {
    submitter = new Submitter(layout, files, Clock.systemUTC());
  }

  /** Submits {@code n} tasks that succeed after {@code sleep}; ids {@code prefix00000...}. */
  List<String> succeeding(String prefix, int n, Duration sleep) throws IOException {
    List<String> ids = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      String id = String.format("%s%05d", prefix, i);
      submit(task(id, sleep, 0).build(), TaskState.DONE);
      ids.add(id);
    }
    return ids;
  }

  /** Submits a task that fails every attempt: it ends in dead/ after {@code maxRetries}. */
  String failing(String id, int maxRetries) throws IOException {
    Task t =
        task(id, Duration.ZERO, 3)
            .maxRetries(maxRetries)
            .backoff(new Backoff(Duration.ofMillis(200), 1.0, Duration.ofSeconds(1), 0.0))
            .build();
    submit(t, TaskState.DEAD);
    return id;
  }

  /** The builder of a marker task; the caller may tune it before {@link #submit}. */
  TaskBuilder task(String id, Duration sleep, int exit) {
    return Task.builder(id)
        .createdAt(Instant.now())
        .argv(
            List.of(
                script.toString(),
                cluster.markers.toString(),
                String.format("%.3f", sleep.toMillis() / 1000.0),
                Integer.toString(exit)))
        .maxLost(1000);
  }

  void submit(Task task, TaskState terminal) throws IOException {
    submitter.submit(task);
    expected.put(task.id(), terminal);
  }

  /**
   * A task parked in scheduled/ for an hour, with a cancel request only the coordinator acts on.
   */
  void cancelWhileScheduled(String id) throws IOException {
    submit(
        task(id, Duration.ZERO, 0).notBefore(Instant.now().plusSeconds(3600)).build(),
        TaskState.CANCELLED);
    cluster.files.publishIfAbsent(
        cluster.layout.cancelRequest(id),
        SpoolJson.write(new ControlRequest.Cancel(null, id, Instant.now(), "chaos", "test")));
  }

  /** Submits a task whose runs leave no marker; its scenario checks its effect. */
  void submitUnmarked(Task task, TaskState terminal) throws IOException {
    submit(task, terminal);
    unmarked.add(task.id());
  }

  Set<String> unmarked() {
    return Set.copyOf(unmarked);
  }

  /** The YAML of a worker type {@code marker} that runs the marker script (input.sleep seconds). */
  String markerTypeYaml() {
    return String.join(
        "\n",
        "types:",
        "  marker:",
        "    argv: [\"" + script + "\", \"" + cluster.markers + "\", \"{input.sleep}\", \"0\"]");
  }

  /** A task of the {@code marker} type (see {@link #markerTypeYaml}). */
  TaskBuilder typed(String id, Duration sleep) {
    ObjectNode input = JsonNodeFactory.instance.objectNode();
    input.put("sleep", String.format("%.3f", sleep.toMillis() / 1000.0));
    return Task.builder(id).createdAt(Instant.now()).type("marker").input(input);
  }

  Map<String, TaskState> expected() {
    return Map.copyOf(expected);
  }

  /** Runs per task: attempt numbers in the order the marker lines were appended. */
  Map<String, List<Integer>> runs() throws IOException {
    Map<String, List<Integer>> out = new TreeMap<>();
    try (Stream<Path> s = Files.list(cluster.markers)) {
      for (Path p : s.toList()) {
        String id = p.getFileName().toString();
        if (id.equals("pids")) {
          continue;
        }
        List<Integer> attempts = new ArrayList<>();
        for (String line : Files.readAllLines(p)) {
          if (!line.isBlank()) {
            attempts.add(Integer.parseInt(line.split(" ")[0]));
          }
        }
        out.put(id, attempts);
      }
    }
    return out;
  }
}
