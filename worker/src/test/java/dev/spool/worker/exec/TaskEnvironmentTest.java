package dev.spool.worker.exec;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(10)
class TaskEnvironmentTest {
  private static final Map<String, String> WORKER =
      Map.of(
          "PATH", "/opt/bin:/usr/bin",
          "HOME", "/home/spool",
          "AWS_SECRET_ACCESS_KEY", "secret",
          "OPENAI_API_KEY", "sk-1",
          "ANTHROPIC_API_KEY", "sk-2",
          "ANTHROPIC_BASE_URL", "https://x",
          "LD_PRELOAD", "/evil.so");

  @Test
  void scrubsEverythingButTheBaseAndTheAllowList() {
    Map<String, String> env =
        TaskEnvironment.build(
            WORKER,
            List.of("OPENAI_API_KEY", "ANTHROPIC_*"),
            Map.of("FOO", "bar"),
            false,
            Map.of("SPOOL_TASK_ID", "t1"));
    assertEquals("/opt/bin:/usr/bin", env.get("PATH"));
    assertEquals("/home/spool", env.get("HOME"));
    assertEquals("sk-1", env.get("OPENAI_API_KEY"));
    assertEquals("sk-2", env.get("ANTHROPIC_API_KEY"));
    assertEquals("https://x", env.get("ANTHROPIC_BASE_URL"));
    assertEquals("bar", env.get("FOO"));
    assertEquals("t1", env.get("SPOOL_TASK_ID"));
    assertFalse(env.containsKey("AWS_SECRET_ACCESS_KEY"));
    assertFalse(env.containsKey("LD_PRELOAD"));
  }

  @Test
  void givesADefaultPath() {
    Map<String, String> env = TaskEnvironment.build(Map.of(), List.of(), Map.of(), false, Map.of());
    assertEquals(TaskEnvironment.DEFAULT_PATH, env.get("PATH"));
  }

  @Test
  void typeOnlyWorkersRefuseTaskPathAndLoaderVariables() {
    for (String name : List.of("PATH", "LD_PRELOAD", "DYLD_INSERT_LIBRARIES", "SPOOL_TASK_ID")) {
      IllegalArgumentException e =
          assertThrows(
              IllegalArgumentException.class,
              () -> TaskEnvironment.build(WORKER, List.of(), Map.of(name, "x"), false, Map.of()));
      assertTrue(e.getMessage().startsWith("env." + name), e.getMessage());
    }
    Map<String, String> trusted =
        TaskEnvironment.build(WORKER, List.of(), Map.of("PATH", "/x"), true, Map.of());
    assertEquals("/x", trusted.get("PATH"));
  }

  @Test
  void spoolVariablesWinOverEverything() {
    Map<String, String> env =
        TaskEnvironment.build(
            Map.of("SPOOL_TASK_ID", "forged"),
            List.of("SPOOL_*"),
            Map.of(),
            true,
            Map.of("SPOOL_TASK_ID", "real"));
    assertEquals("real", env.get("SPOOL_TASK_ID"));
  }
}
