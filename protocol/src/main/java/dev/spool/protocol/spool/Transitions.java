package dev.spool.protocol.spool;

import static dev.spool.protocol.spool.Actor.COORDINATOR;
import static dev.spool.protocol.spool.Actor.OPERATOR;
import static dev.spool.protocol.spool.Actor.WORKER;
import static dev.spool.protocol.spool.TaskState.BLOCKED;
import static dev.spool.protocol.spool.TaskState.CANCELLED;
import static dev.spool.protocol.spool.TaskState.CLAIMED;
import static dev.spool.protocol.spool.TaskState.DEAD;
import static dev.spool.protocol.spool.TaskState.DONE;
import static dev.spool.protocol.spool.TaskState.FAILED;
import static dev.spool.protocol.spool.TaskState.HELD;
import static dev.spool.protocol.spool.TaskState.PENDING;
import static dev.spool.protocol.spool.TaskState.SCHEDULED;

import java.util.EnumMap;
import java.util.EnumSet;
import java.util.Map;
import java.util.Set;

/**
 * The allowed transitions of a task, as one table (PROTOCOL.md, "State machine"). Every rename of a
 * task file between state directories is checked against it. A new task enters pending/,
 * scheduled/, blocked/ or held/ by being published there from tmp/; that is not a transition.
 */
public final class Transitions {
  private static final Map<TaskState, Map<TaskState, Set<Actor>>> TABLE =
      new EnumMap<>(TaskState.class);

  static {
    allow(PENDING, CLAIMED, WORKER);
    allow(PENDING, HELD, OPERATOR);
    allow(PENDING, CANCELLED, OPERATOR, COORDINATOR);
    allow(PENDING, DEAD, COORDINATOR); // queue_timeout expired
    allow(SCHEDULED, PENDING, COORDINATOR, OPERATOR);
    allow(SCHEDULED, HELD, OPERATOR);
    allow(SCHEDULED, CANCELLED, OPERATOR, COORDINATOR);
    allow(SCHEDULED, DEAD, COORDINATOR);
    allow(BLOCKED, PENDING, COORDINATOR);
    allow(BLOCKED, SCHEDULED, COORDINATOR);
    allow(BLOCKED, HELD, OPERATOR);
    allow(BLOCKED, CANCELLED, OPERATOR, COORDINATOR); // cancel, dependency_failed
    allow(BLOCKED, DEAD, COORDINATOR); // dependency_failed, expired
    allow(HELD, PENDING, OPERATOR);
    allow(HELD, SCHEDULED, OPERATOR);
    allow(HELD, BLOCKED, OPERATOR);
    allow(HELD, CANCELLED, OPERATOR, COORDINATOR);
    allow(CLAIMED, DONE, WORKER, COORDINATOR); // coordinator applies a published result
    allow(CLAIMED, FAILED, WORKER, COORDINATOR);
    allow(CLAIMED, CANCELLED, WORKER, COORDINATOR);
    allow(CLAIMED, PENDING, WORKER, COORDINATOR, OPERATOR); // hand back; requeue of a lost attempt
    allow(CLAIMED, SCHEDULED, COORDINATOR); // requeue with backoff
    allow(CLAIMED, DEAD, COORDINATOR); // max_lost, or fatal
    allow(FAILED, PENDING, COORDINATOR, OPERATOR); // retry now
    allow(FAILED, SCHEDULED, COORDINATOR); // retry after backoff
    allow(FAILED, DEAD, COORDINATOR); // max_retries or fatal
    allow(FAILED, CANCELLED, OPERATOR, COORDINATOR);
    allow(DEAD, PENDING, OPERATOR); // spool retry: fresh attempts
    allow(CANCELLED, PENDING, OPERATOR);
  }

  private Transitions() {}

  private static void allow(TaskState from, TaskState to, Actor... actors) {
    TABLE
        .computeIfAbsent(from, k -> new EnumMap<>(TaskState.class))
        .put(to, Set.copyOf(EnumSet.of(actors[0], actors)));
  }

  /** True when {@code actor} may move a task from {@code from} to {@code to}. */
  public static boolean isAllowed(TaskState from, TaskState to, Actor actor) {
    Map<TaskState, Set<Actor>> row = TABLE.get(from);
    return row != null && row.getOrDefault(to, Set.of()).contains(actor);
  }

  /**
   * Checks a transition.
   *
   * @throws IllegalStateException naming the transition when it is not allowed (a programming
   *     error, never an expected race)
   */
  public static void check(TaskState from, TaskState to, Actor actor) {
    if (!isAllowed(from, to, actor)) {
      throw new IllegalStateException(
          actor + " may not move a task from " + from.dirName() + "/ to " + to.dirName() + "/");
    }
  }

  /** The states a task may move to from {@code from}, by anyone. */
  public static Set<TaskState> targets(TaskState from) {
    Map<TaskState, Set<Actor>> row = TABLE.get(from);
    return row == null ? Set.of() : Set.copyOf(row.keySet());
  }
}
