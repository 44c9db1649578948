package dev.spool.deploy.run;

import dev.spool.protocol.task.Dependency;
import dev.spool.protocol.task.Task;
import dev.spool.protocol.task.TaskBuilder;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A batch as one run submits it: every id is prefixed with the run id (so the same batch can run
 * again in the same spool, and its tasks are found by the label {@code run=<run id>}), and each
 * dependency on a task of the batch follows the renaming. The report maps the ids back.
 */
record RunPlan(String runId, List<Task> tasks, Map<String, String> originalIds) {

  static RunPlan of(String runId, List<Task> batch) {
    Map<String, String> spoolIds = new HashMap<>();
    for (Task t : batch) {
      spoolIds.put(t.id(), runId + "." + t.id());
    }
    List<Task> tasks = new ArrayList<>(batch.size());
    Map<String, String> original = new LinkedHashMap<>();
    for (Task t : batch) {
      TaskBuilder b =
          t.toBuilder().id(spoolIds.get(t.id())).clearDependencies().label("run", runId);
      for (Dependency d : t.dependsOn()) {
        b.dependsOn(new Dependency(spoolIds.getOrDefault(d.id(), d.id()), d.condition()));
      }
      Task renamed = b.build();
      tasks.add(renamed);
      original.put(renamed.id(), t.id());
    }
    return new RunPlan(runId, List.copyOf(tasks), original);
  }

  List<String> spoolIds() {
    return new ArrayList<>(originalIds.keySet());
  }
}
