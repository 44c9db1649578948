package dev.spool.protocol;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(20)
class RequireIdTest {
  private static final String ALPHABET = "aZ09._-~/ é\u0000:";

  @Test
  void handCheckAgreesWithThePattern() {
    SplittableRandom r = new SplittableRandom(5);
    for (int i = 0; i < 200_000; i++) {
      int len = r.nextInt(4) == 0 ? r.nextInt(125, 132) : r.nextInt(0, 6);
      StringBuilder b = new StringBuilder();
      for (int k = 0; k < len; k++) {
        b.append(ALPHABET.charAt(r.nextInt(ALPHABET.length())));
      }
      String s = b.toString();
      assertEquals(Require.ID.matcher(s).matches(), Require.isId(s), "\"" + s + "\"");
    }
  }
}
