package dev.spool.worker.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

@Timeout(10)
class WorkerConfigTest {
  @TempDir Path dir;

  @Test
  void defaultsMatchTheIssue() {
    WorkerConfig c = WorkerConfig.builder(dir).build();
    assertEquals(Runtime.getRuntime().availableProcessors(), c.slots());
    assertFalse(c.allowArgv());
    assertEquals(10L * 1024 * 1024, c.outputCapBytes());
    assertEquals(Duration.ofSeconds(2), c.heartbeatInterval());
    assertEquals(Duration.ofSeconds(1), c.rescanInterval());
    assertTrue(c.watch());
    assertTrue(c.workerId().endsWith("-1"), c.workerId());
    assertEquals(WorkerConfig.Bulkhead.NONE, c.bulkhead());
    assertTrue(WorkerConfig.builder(dir).instance("3").build().workerId().endsWith("-3"));
  }

  @Test
  void readsEveryKeyFromYaml() throws IOException {
    Path file = dir.resolve("worker.yaml");
    Files.writeString(
        file,
        String.join(
            "\n",
            "spool: " + dir.resolve("spool"),
            "worker_id: vm1-2",
            "slots: 3",
            "reserved_slots: 1",
            "reserved_min_priority: 800",
            "capabilities: [gpu, opencode]",
            "allow_argv: true",
            "quarantine_refused_argv: false",
            "env_allow: [OPENAI_API_KEY, 'ANTHROPIC_*']",
            "output_cap: 4096",
            "default_timeout: 60",
            "idle_timeout: 0.5",
            "kill_grace: 2",
            "heartbeat_interval: 1",
            "rescan_interval: 0.25",
            "drain_timeout: 30",
            "liveness_check: 3",
            "watch: false",
            "scratch_dir: " + dir.resolve("scratch"),
            "allowed_cwds: [" + dir + "]",
            "types:",
            "  review:",
            "    argv: [opencode, run, --model, '{model}']",
            "    stdin: '{prompt}'",
            "    fatal_exit_codes: [2, 64]",
            "  echo: [/bin/echo, '{input.text}']",
            ""));
    WorkerConfig.Builder b = WorkerConfig.builder(Path.of("ignored"));
    ConfigFile.apply(file, b);
    WorkerConfig c = b.build();
    assertEquals(dir.resolve("spool"), c.spool());
    assertEquals("vm1-2", c.workerId());
    assertEquals(3, c.slots());
    assertEquals(java.util.Set.of(2, 64), c.types().get("review").fatalExitCodes());
    assertEquals(new WorkerConfig.Bulkhead(1, 800), c.bulkhead());
    assertEquals(List.of("gpu", "opencode"), c.capabilities());
    assertTrue(c.allowArgv());
    assertFalse(c.quarantineRefusedArgv());
    assertEquals(List.of("OPENAI_API_KEY", "ANTHROPIC_*"), c.envAllow());
    assertEquals(4096, c.outputCapBytes());
    assertEquals(Duration.ofMillis(500), c.idleTimeout());
    assertEquals(Duration.ofMillis(250), c.rescanInterval());
    assertEquals(Duration.ofSeconds(3), c.livenessCheck());
    assertFalse(c.watch());
    assertEquals(List.of(dir), c.allowedCwds());
    assertEquals(List.of("opencode", "run", "--model", "{model}"), c.types().get("review").argv());
    assertEquals("{prompt}", c.types().get("review").stdin());
    assertEquals(List.of("/bin/echo", "{input.text}"), c.types().get("echo").argv());
  }

  @Test
  void refusesAnUnknownKeyNamingFileAndKey() throws IOException {
    Path file = dir.resolve("w.yaml");
    Files.writeString(file, "slotz: 3\n");
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class,
            () -> ConfigFile.apply(file, WorkerConfig.builder(dir)));
    assertTrue(
        e.getMessage().contains("w.yaml") && e.getMessage().contains("slotz"), e.getMessage());
  }

  @Test
  void refusesInvalidValuesNamingTheKey() {
    IllegalArgumentException slots =
        assertThrows(
            IllegalArgumentException.class, () -> WorkerConfig.builder(dir).slots(0).build());
    assertTrue(slots.getMessage().startsWith("slots"), slots.getMessage());
    IllegalArgumentException id =
        assertThrows(
            IllegalArgumentException.class,
            () -> WorkerConfig.builder(dir).workerId("a~b").build());
    assertTrue(id.getMessage().startsWith("worker_id"), id.getMessage());
    IllegalArgumentException bulkhead =
        assertThrows(
            IllegalArgumentException.class,
            () -> WorkerConfig.builder(dir).slots(2).reservedSlots(2).build());
    assertTrue(bulkhead.getMessage().startsWith("reserved_slots"), bulkhead.getMessage());
    assertThrows(
        IllegalArgumentException.class,
        () -> WorkerConfig.builder(dir).type("t", new TypeTemplate(List.of("{model}"), null)));
  }
}
