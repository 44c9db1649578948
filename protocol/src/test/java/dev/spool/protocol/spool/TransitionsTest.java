package dev.spool.protocol.spool;

import static dev.spool.protocol.spool.Actor.COORDINATOR;
import static dev.spool.protocol.spool.Actor.OPERATOR;
import static dev.spool.protocol.spool.Actor.SUBMITTER;
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
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The transition table, written out a second time: a change to either must be deliberate. */
@Timeout(10)
class TransitionsTest {
  private record Move(TaskState from, TaskState to, Actor actor) {}

  private static final List<Move> ALLOWED =
      List.of(
          new Move(PENDING, CLAIMED, WORKER),
          new Move(PENDING, HELD, OPERATOR),
          new Move(PENDING, CANCELLED, OPERATOR),
          new Move(PENDING, CANCELLED, COORDINATOR),
          new Move(PENDING, DEAD, COORDINATOR),
          new Move(SCHEDULED, PENDING, COORDINATOR),
          new Move(SCHEDULED, PENDING, OPERATOR),
          new Move(SCHEDULED, HELD, OPERATOR),
          new Move(SCHEDULED, CANCELLED, OPERATOR),
          new Move(SCHEDULED, CANCELLED, COORDINATOR),
          new Move(SCHEDULED, DEAD, COORDINATOR),
          new Move(BLOCKED, PENDING, COORDINATOR),
          new Move(BLOCKED, SCHEDULED, COORDINATOR),
          new Move(BLOCKED, HELD, OPERATOR),
          new Move(BLOCKED, CANCELLED, OPERATOR),
          new Move(BLOCKED, CANCELLED, COORDINATOR),
          new Move(BLOCKED, DEAD, COORDINATOR),
          new Move(HELD, PENDING, OPERATOR),
          new Move(HELD, SCHEDULED, OPERATOR),
          new Move(HELD, BLOCKED, OPERATOR),
          new Move(HELD, CANCELLED, OPERATOR),
          new Move(HELD, CANCELLED, COORDINATOR),
          new Move(CLAIMED, DONE, WORKER),
          new Move(CLAIMED, DONE, COORDINATOR),
          new Move(CLAIMED, FAILED, WORKER),
          new Move(CLAIMED, FAILED, COORDINATOR),
          new Move(CLAIMED, CANCELLED, WORKER),
          new Move(CLAIMED, CANCELLED, COORDINATOR),
          new Move(CLAIMED, PENDING, WORKER),
          new Move(CLAIMED, PENDING, COORDINATOR),
          new Move(CLAIMED, PENDING, OPERATOR),
          new Move(CLAIMED, SCHEDULED, COORDINATOR),
          new Move(CLAIMED, DEAD, COORDINATOR),
          new Move(FAILED, PENDING, COORDINATOR),
          new Move(FAILED, PENDING, OPERATOR),
          new Move(FAILED, SCHEDULED, COORDINATOR),
          new Move(FAILED, DEAD, COORDINATOR),
          new Move(FAILED, CANCELLED, OPERATOR),
          new Move(FAILED, CANCELLED, COORDINATOR),
          new Move(DEAD, PENDING, OPERATOR),
          new Move(CANCELLED, PENDING, OPERATOR));

  @Test
  void exactlyTheListedMovesAreAllowed() {
    Set<Move> allowed = new HashSet<>(ALLOWED);
    for (TaskState from : TaskState.values()) {
      for (TaskState to : TaskState.values()) {
        for (Actor actor : Actor.values()) {
          Move m = new Move(from, to, actor);
          assertEquals(allowed.contains(m), Transitions.isAllowed(from, to, actor), m.toString());
        }
      }
    }
  }

  @Test
  void forbiddenMovesThatWouldBreakTheProtocol() {
    assertFalse(Transitions.isAllowed(PENDING, DONE, WORKER), "only a claim runs a task");
    assertFalse(Transitions.isAllowed(PENDING, CLAIMED, COORDINATOR), "the coordinator never runs");
    assertFalse(Transitions.isAllowed(SCHEDULED, CLAIMED, WORKER), "claims come from pending/");
    assertFalse(Transitions.isAllowed(CLAIMED, DEAD, WORKER), "workers do not decide policy");
    assertFalse(Transitions.isAllowed(CLAIMED, SCHEDULED, WORKER), "backoff is the coordinator's");
    assertFalse(Transitions.isAllowed(FAILED, PENDING, WORKER), "workers never retry");
    assertFalse(Transitions.isAllowed(DONE, PENDING, OPERATOR), "done is final");
    assertFalse(Transitions.isAllowed(CLAIMED, CLAIMED, WORKER), "no claim steals a claim");
    for (TaskState to : TaskState.values()) {
      assertFalse(Transitions.isAllowed(PENDING, to, SUBMITTER), "submitters only publish");
      assertFalse(Transitions.isAllowed(DONE, to, OPERATOR));
    }
  }

  @Test
  void checkNamesTheRefusedMove() {
    IllegalStateException e =
        assertThrows(IllegalStateException.class, () -> Transitions.check(PENDING, DONE, WORKER));
    assertEquals("WORKER may not move a task from pending/ to done/", e.getMessage());
    Transitions.check(PENDING, CLAIMED, WORKER);
  }

  @Test
  void targetsListEveryoneReachableState() {
    assertEquals(Set.of(CLAIMED, HELD, CANCELLED, DEAD), Transitions.targets(PENDING));
    assertEquals(
        Set.of(DONE, FAILED, CANCELLED, PENDING, SCHEDULED, DEAD), Transitions.targets(CLAIMED));
    assertEquals(Set.of(), Transitions.targets(DONE));
    assertTrue(Transitions.targets(DEAD).contains(PENDING));
  }
}
