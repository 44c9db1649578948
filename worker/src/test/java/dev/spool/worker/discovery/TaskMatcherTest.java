package dev.spool.worker.discovery;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.spool.protocol.task.Task;
import dev.spool.worker.config.TypeTemplate;
import dev.spool.worker.config.WorkerConfig;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(10)
class TaskMatcherTest {
  private static final Instant T = Instant.parse("2026-01-01T00:00:00Z");

  private static TaskMatcher matcher(boolean allowArgv, boolean quarantineArgv) {
    return new TaskMatcher(
        WorkerConfig.builder(Path.of("/spool"))
            .workerId("w1")
            .capabilities(List.of("gpu", "opencode"))
            .type("review", new TypeTemplate(List.of("opencode", "{prompt}"), null))
            .allowArgv(allowArgv)
            .quarantineRefusedArgv(quarantineArgv)
            .build());
  }

  @Test
  void requiresEveryCapability() {
    Task ok = Task.builder("a").createdAt(T).type("review").requires("gpu").build();
    Task missing =
        Task.builder("b").createdAt(T).type("review").requires("gpu").requires("macos").build();
    assertSame(Verdict.ELIGIBLE, matcher(false, true).verdict(ok));
    assertSame(Verdict.INELIGIBLE, matcher(false, true).verdict(missing));
  }

  @Test
  void handlesOnlyConfiguredTypes() {
    Task other = Task.builder("c").createdAt(T).type("translate").build();
    assertSame(Verdict.INELIGIBLE, matcher(true, true).verdict(other));
  }

  @Test
  void rawArgvNeedsAllowArgvElseQuarantineOrLeave() {
    Task argv = Task.ofArgv("d", T, List.of("/bin/true"));
    assertSame(Verdict.ELIGIBLE, matcher(true, true).verdict(argv));
    Verdict refused = matcher(false, true).verdict(argv);
    assertEquals(Verdict.Kind.QUARANTINE, refused.kind());
    assertTrue(refused.reason().contains("allow_argv"), refused.reason());
    assertSame(Verdict.INELIGIBLE, matcher(false, false).verdict(argv));
  }

  @Test
  void typeWinsOverArgvWhenTheTypeIsConfigured() {
    Task both =
        Task.builder("e").createdAt(T).type("review").argv(List.of("/bin/rm", "-rf", "/")).build();
    assertSame(Verdict.ELIGIBLE, matcher(false, true).verdict(both));
  }

  @Test
  void prefersOnlyMarksTheVerdict() {
    Task pref = Task.builder("f").createdAt(T).type("review").prefers("macos").build();
    Task met = Task.builder("g").createdAt(T).type("review").prefers("gpu").build();
    assertSame(Verdict.ELIGIBLE_NOT_PREFERRED, matcher(false, true).verdict(pref));
    assertSame(Verdict.ELIGIBLE, matcher(false, true).verdict(met));
  }
}
