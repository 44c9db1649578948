package dev.spool.worker.exec;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(10)
class LaunchMechanismTest {
  @Test
  void vforkOnlyOnLinuxWithAJdkThatStillSupportsIt() {
    assertTrue(LaunchMechanism.supported("Linux", 17));
    assertTrue(LaunchMechanism.supported("Linux", 24));
    assertFalse(LaunchMechanism.supported("Linux", 25), "deprecated from JDK 25");
    assertFalse(LaunchMechanism.supported("Mac OS X", 17), "the JDK refuses VFORK there");
  }

  @Test
  void anExplicitSettingWins() {
    String before = System.getProperty(LaunchMechanism.PROPERTY);
    try {
      System.setProperty(LaunchMechanism.PROPERTY, "POSIX_SPAWN");
      assertEquals(Optional.of("POSIX_SPAWN"), LaunchMechanism.prefer());
      assertEquals("POSIX_SPAWN", System.getProperty(LaunchMechanism.PROPERTY));
    } finally {
      if (before == null) {
        System.clearProperty(LaunchMechanism.PROPERTY);
      } else {
        System.setProperty(LaunchMechanism.PROPERTY, before);
      }
    }
  }
}
