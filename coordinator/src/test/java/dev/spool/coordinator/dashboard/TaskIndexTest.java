package dev.spool.coordinator.dashboard;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.spool.protocol.spool.TaskName;
import dev.spool.protocol.spool.TaskState;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(10)
class TaskIndexTest {
  final TaskIndex index = new TaskIndex();

  static TaskName done(String id) {
    return new TaskName.Terminal(TaskState.DONE, id);
  }

  static TaskName pending(String id) {
    return new TaskName.Pending(500, 1_700_000_000_000L, id, 1);
  }

  @Test
  void aMoveLeavesTheOldStateWhicheverEventComesFirst() {
    index.put(pending("a"));
    index.put(pending("b"));
    // create in the new state before the delete in the old one
    index.put(new TaskName.Claimed("a", 1, "w1", 1));
    index.remove(pending("a"));
    // delete first, then create
    index.remove(pending("b"));
    index.put(done("b"));
    assertEquals(0, index.count(TaskState.PENDING));
    assertEquals(1, index.count(TaskState.CLAIMED));
    assertEquals(1, index.count(TaskState.DONE));
    assertEquals("w1", index.get("a").orElseThrow().worker);
    assertEquals(2, index.size());
  }

  @Test
  void aRescanDropsWhatItDidNotSeeButKeepsWhatEventsAddedMeanwhile() {
    index.put(done("gone"));
    long scan = index.beginScan();
    index.put(done("listed"));
    index.put(done("by-event")); // stamped with the running scan's generation
    assertEquals(1, index.endScan(scan));
    assertTrue(index.get("gone").isEmpty());
    assertEquals(2, index.count(TaskState.DONE));
  }

  @Test
  void pagesFollowTheCursorAcrossStatesWithoutGapsOrRepeats() {
    for (int i = 0; i < 7; i++) {
      index.put(pending("p" + i));
    }
    for (int i = 0; i < 6; i++) {
      index.put(done("d" + i));
    }
    List<TaskState> states = List.of(TaskState.values());
    List<String> seen = new ArrayList<>();
    String after = null;
    do {
      TaskIndex.Page page = index.page(states, after, 5, i -> true, 1_000);
      page.rows().forEach(i -> seen.add(i.id));
      after = page.next();
    } while (after != null);
    assertEquals(
        List.of("p0", "p1", "p2", "p3", "p4", "p5", "p6", "d0", "d1", "d2", "d3", "d4", "d5"),
        seen);
  }

  @Test
  void aSelectiveFilterLooksAtABoundedNumberOfEntriesAndOffersToGoOn() {
    for (int i = 0; i < 30; i++) {
      index.put(done(String.format("t%02d", i)));
    }
    index.get("t25").orElseThrow().type = "rare";
    TaskIndex.Page first =
        index.page(List.of(TaskState.DONE), null, 10, i -> "rare".equals(i.type), 20);
    assertEquals(0, first.rows().size());
    assertEquals(20, first.examined());
    TaskIndex.Page second =
        index.page(List.of(TaskState.DONE), first.next(), 10, i -> "rare".equals(i.type), 20);
    assertEquals("t25", second.rows().get(0).id);
    assertNull(second.next());
  }
}
