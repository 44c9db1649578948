package dev.spool.coordinator;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.spool.coordinator.hooks.HookConfig;
import dev.spool.protocol.control.ControlRequest;
import dev.spool.protocol.json.SpoolJson;
import dev.spool.protocol.result.Outcome;
import dev.spool.protocol.spool.TaskName;
import dev.spool.protocol.spool.TaskState;
import dev.spool.protocol.spool.TerminalReason;
import dev.spool.protocol.task.Condition;
import dev.spool.protocol.task.Dependency;
import dev.spool.protocol.task.Task;
import dev.spool.protocol.testing.Await;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** scheduled/ and pending/ (due, queue_timeout), blocked/ (dependencies), cancel requests. */
@Timeout(60)
class WaitingAndDependenciesTest {
  @TempDir Path root;

  @Test
  void aScheduledTaskBecomesPendingWhenDueWithItsPriority() throws Exception {
    SpoolFixture f = new SpoolFixture(root);
    long due = SpoolFixture.T0.toEpochMilli() + 60_000;
    Task task =
        Task.builder("later").createdAt(SpoolFixture.T0).argv(List.of("x")).priority(700).build();
    f.publish(new TaskName.Scheduled(due, 700, "later", 1), task);
    try (Coordinator c = f.coordinator("c1")) {
      c.tickOnce();
      f.assertOnlyIn(TaskState.SCHEDULED, "later");
      f.time.advance(Duration.ofSeconds(60));
      c.tickOnce();
    }
    TaskName.Pending p = (TaskName.Pending) f.find(TaskState.PENDING, "later").orElseThrow();
    assertEquals(700, p.priority());
    assertEquals(due, p.enqueuedMillis());
  }

  @Test
  void aTaskThatWaitedPastItsQueueTimeoutExpires() throws Exception {
    SpoolFixture f = new SpoolFixture(root);
    f.submit(
        Task.builder("q")
            .createdAt(SpoolFixture.T0)
            .argv(List.of("x"))
            .queueTimeout(Duration.ofMinutes(5))
            .build());
    f.submit(Task.builder("patient").createdAt(SpoolFixture.T0).argv(List.of("x")).build());
    try (Coordinator c = f.coordinator("c1")) {
      c.tickOnce();
      f.time.advance(Duration.ofMinutes(5));
      c.tickOnce();
      f.assertOnlyIn(TaskState.PENDING, "q");
      f.slowPass(c);
    }
    f.assertOnlyIn(TaskState.DEAD, "q");
    assertEquals(TerminalReason.EXPIRED, f.endNote("q").reason());
    assertEquals(0, f.endNote("q").attempts());
    f.assertOnlyIn(TaskState.PENDING, "patient");
  }

  private static Task dependent(String id, Dependency... deps) {
    var b = Task.builder(id).createdAt(SpoolFixture.T0).argv(List.of("x"));
    for (Dependency d : deps) {
      b.dependsOn(d);
    }
    return b.build();
  }

  private void block(SpoolFixture f, Task task) throws Exception {
    f.publish(new TaskName.Parked(TaskState.BLOCKED, task.id(), 1), task);
  }

  @Test
  void blockedTasksAreReleasedOrDeadLetteredByTheirConditions() throws Exception {
    SpoolFixture f = new SpoolFixture(root);
    f.submit(Task.builder("a").createdAt(SpoolFixture.T0).argv(List.of("x")).build());
    block(f, dependent("on-success", new Dependency("a", Condition.SUCCESS)));
    block(f, dependent("on-failure", new Dependency("a", Condition.FAILURE)));
    block(f, dependent("on-any", new Dependency("a", Condition.ANY)));
    block(
        f,
        dependent(
            "chain", new Dependency("on-failure", Condition.FAILURE), new Dependency("a", null)));
    try (Coordinator c = f.coordinator("c1")) {
      c.tickOnce();
      c.tickOnce();
      for (String id : List.of("on-success", "on-failure", "on-any", "chain")) {
        f.assertOnlyIn(TaskState.BLOCKED, id);
      }
      f.finish(f.claim("a", "w1", 1), new Outcome.Succeeded());
      f.slowPass(c);
      f.slowPass(c);
    }
    f.assertOnlyIn(TaskState.PENDING, "on-success");
    f.assertOnlyIn(TaskState.PENDING, "on-any");
    f.assertOnlyIn(TaskState.DEAD, "on-failure");
    assertEquals(TerminalReason.DEPENDENCY_FAILED, f.endNote("on-failure").reason());
    assertEquals("a", f.endNote("on-failure").dependency());
    f.assertOnlyIn(TaskState.PENDING, "chain");
  }

  @Test
  void aReleasedTaskWithAFutureNotBeforeIsScheduled() throws Exception {
    SpoolFixture f = new SpoolFixture(root);
    f.submit(Task.builder("a").createdAt(SpoolFixture.T0).argv(List.of("x")).build());
    Task later =
        Task.builder("later")
            .createdAt(SpoolFixture.T0)
            .argv(List.of("x"))
            .dependsOn(new Dependency("a", null))
            .notBefore(SpoolFixture.T0.plus(Duration.ofHours(1)))
            .build();
    block(f, later);
    try (Coordinator c = f.coordinator("c1")) {
      c.tickOnce();
      f.finish(f.claim("a", "w1", 1), new Outcome.Succeeded());
      f.slowPass(c);
    }
    TaskName.Scheduled s = (TaskName.Scheduled) f.find(TaskState.SCHEDULED, "later").orElseThrow();
    assertEquals(SpoolFixture.T0.plus(Duration.ofHours(1)).toEpochMilli(), s.dueMillis());
  }

  @Test
  void cancelRequestsCancelTasksThatAreNotRunningAndLeaveRunningOnesToTheWorker() throws Exception {
    SpoolFixture f = new SpoolFixture(root);
    f.submit(Task.builder("waiting").createdAt(SpoolFixture.T0).argv(List.of("x")).build());
    f.submit(Task.builder("running").createdAt(SpoolFixture.T0).argv(List.of("x")).build());
    try (Coordinator c = f.coordinator("c1")) {
      c.tickOnce();
      f.claim("running", "w1", 1);
      f.heartbeat("w1", 1, 1);
      for (String id : List.of("waiting", "running")) {
        ControlRequest.Cancel req =
            new ControlRequest.Cancel(null, id, SpoolFixture.T0, "alice", "not needed");
        f.files.publishIfAbsent(f.layout.cancelRequest(id), SpoolJson.write(req));
      }
      f.slowPass(c);
    }
    f.assertOnlyIn(TaskState.CANCELLED, "waiting");
    assertEquals(TerminalReason.CANCELLED, f.endNote("waiting").reason());
    assertTrue(f.endNote("waiting").message().contains("alice"));
    assertFalse(Files.exists(f.layout.cancelRequest("waiting")), "the request is done");
    f.assertOnlyIn(TaskState.CLAIMED, "running");
    assertTrue(Files.exists(f.layout.cancelRequest("running")), "left for the worker");
  }

  @Test
  void aTaskThatEndsDeadFiresTheTaskDeadHook() throws Exception {
    SpoolFixture f = new SpoolFixture(root);
    Path out = root.resolve("hook.json");
    CoordinatorConfig base = f.config("c1");
    CoordinatorConfig withHook =
        new CoordinatorConfig(
            base.interval(),
            base.deadAfter(),
            base.lease(),
            base.timeoutGrace(),
            List.of(
                new HookConfig(
                    "task_dead",
                    List.of("sh", "-c", "cat > '" + out + "'"),
                    null,
                    Map.of("team", "ml"))),
            base.jitter());
    f.submit(
        Task.builder("q")
            .createdAt(SpoolFixture.T0)
            .argv(List.of("x"))
            .label("team", "ml")
            .queueTimeout(Duration.ofSeconds(1))
            .build());
    try (Coordinator c = new Coordinator(f.layout, withHook, f.time, f.time::nanoTime)) {
      c.tickOnce();
      f.time.advance(Duration.ofSeconds(2));
      c.tickOnce();
      Await.until(
          Duration.ofSeconds(10), "hook ran", () -> Files.exists(out) && out.toFile().length() > 0);
    }
    String event = Files.readString(out);
    assertTrue(event.contains("\"reason\":\"expired\""), event);
    assertTrue(event.contains("\"task_id\":\"q\""), event);
  }

  @Test
  void cancelsReachHeldBlockedAndFailedTasksAndRequestsForFinishedTasksAreCleared()
      throws Exception {
    SpoolFixture f = new SpoolFixture(root);
    Task held = Task.builder("held").createdAt(SpoolFixture.T0).argv(List.of("x")).build();
    f.publish(new TaskName.Parked(TaskState.HELD, "held", 1), held);
    block(f, dependent("blocked", new Dependency("nobody-yet", null)));
    f.submit(Task.builder("failing").createdAt(SpoolFixture.T0).argv(List.of("x")).build());
    f.submit(Task.builder("finished").createdAt(SpoolFixture.T0).argv(List.of("x")).build());
    f.finish(f.claim("failing", "w1", 1), new Outcome.Failed(1, null));
    f.finish(f.claim("finished", "w1", 1), new Outcome.Succeeded());
    for (String id : List.of("held", "blocked", "failing", "finished")) {
      ControlRequest.Cancel req = new ControlRequest.Cancel(null, id, SpoolFixture.T0, "bob", null);
      f.files.publishIfAbsent(f.layout.cancelRequest(id), SpoolJson.write(req));
    }
    try (Coordinator c = f.coordinator("c1")) {
      c.tickOnce();
    }
    for (String id : List.of("held", "blocked", "failing")) {
      f.assertOnlyIn(TaskState.CANCELLED, id);
      assertEquals(TerminalReason.CANCELLED, f.endNote(id).reason());
    }
    f.assertOnlyIn(TaskState.DONE, "finished");
    for (String id : List.of("held", "blocked", "failing", "finished")) {
      assertFalse(Files.exists(f.layout.cancelRequest(id)), id);
    }
  }
}
