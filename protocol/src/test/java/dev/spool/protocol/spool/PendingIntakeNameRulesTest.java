package dev.spool.protocol.spool;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Which names outside the grammar may be a user's file, and which are refused outright. */
@Timeout(10)
class PendingIntakeNameRulesTest {
  @Test
  void plainNamesMayBeHandDropped() {
    for (String name : new String[] {"mytask.json", "foo", "t\u00e2che.json", "a b (1).json"}) {
      assertEquals(Optional.empty(), PendingIntake.nameRefusal(name), name);
    }
  }

  @Test
  void longestGrammarNameIsTheLimit() {
    String longest =
        new TaskName.Pending(0, 9_999_999_999_999L, "a".repeat(128), 1_000_000).fileName();
    assertEquals(PendingIntake.MAX_HAND_DROPPED_NAME_BYTES, longest.length());
    assertEquals(Optional.empty(), PendingIntake.nameRefusal("b".repeat(159)));
    assertTrue(PendingIntake.nameRefusal("b".repeat(160)).orElseThrow().contains("160 bytes"));
    assertTrue(
        PendingIntake.nameRefusal("\u00e9".repeat(80)).orElseThrow().contains("160 bytes"),
        "bytes, not characters");
  }

  @Test
  void controlCharactersAndSeparatorAreRefused() {
    for (String name : new String[] {"a\nb.json", "a\u0000", "x\u007f", "tab\there"}) {
      assertTrue(
          PendingIntake.nameRefusal(name).orElseThrow().contains("control characters"), name);
    }
    assertTrue(PendingIntake.nameRefusal("my~task.json").orElseThrow().contains("'~'"));
  }
}
