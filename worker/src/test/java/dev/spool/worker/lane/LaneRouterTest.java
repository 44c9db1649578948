package dev.spool.worker.lane;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import dev.spool.protocol.fs.AtomicFiles;
import dev.spool.protocol.fs.FileOps;
import dev.spool.protocol.lanes.LaneMark;
import dev.spool.protocol.lanes.LaneStates;
import dev.spool.protocol.lanes.QuotaRule;
import dev.spool.protocol.lanes.QuotaSlots;
import dev.spool.protocol.lanes.Routing;
import dev.spool.protocol.lanes.RoutingFile;
import dev.spool.protocol.spool.SpoolLayout;
import dev.spool.protocol.task.Task;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** Lane and account choice on a real spool, with a fixed wall clock and a fake ticker. */
@Timeout(10)
class LaneRouterTest {
  private static final Instant NOW = Instant.parse("2026-11-21T10:00:30Z");

  @TempDir Path dir;
  private SpoolLayout layout;
  private LaneStates states;
  private QuotaSlots quotas;
  private final AtomicLong ticks = new AtomicLong();

  @BeforeEach
  void setUp() throws Exception {
    layout = SpoolLayout.create(dir.resolve("spool"), NOW);
    AtomicFiles files = new AtomicFiles(FileOps.real(), layout.tmp(), false);
    states = new LaneStates(layout, files);
    quotas = new QuotaSlots(layout, files);
  }

  private LaneRouter router(String lanesYaml, String routingYaml) throws Exception {
    Map<String, Lane> lanes = LaneConfig.parse(new YAMLMapper().readTree(lanesYaml));
    Routing routing = RoutingFile.parse("routing", routingYaml.getBytes(StandardCharsets.UTF_8));
    return new LaneRouter(
        new LaneRouter.Sources(lanes, () -> routing, states, quotas),
        layout,
        Clock.fixed(NOW, ZoneOffset.UTC),
        () -> ticks.addAndGet(1_000_000_000L));
  }

  private static Task task(String id, String type, int promptChars) {
    return Task.builder(id)
        .createdAt(NOW)
        .type(type)
        .input(JsonNodeFactory.instance.objectNode().put("prompt", "x".repeat(promptChars)))
        .build();
  }

  @Test
  void accountsBelowEightyPercentGoLeastRecentlyUsedThenLeastUsed() throws Exception {
    LaneRouter r =
        router(
            "l:\n  argv: [cli]\n  concurrency: 10\n  accounts:\n"
                + "    - {name: a, quotas: [{name: m, requests: 10, window: 60}]}\n"
                + "    - {name: b, quotas: [{name: m, requests: 10, window: 60}]}\n",
            "types:\n  t: [l]\n");
    LaneNeed need = r.need(task("x", "t", 10), 1).orElseThrow();
    assertEquals("a", r.choose(need, "1").orElseThrow().account().name());
    assertEquals("b", r.choose(need, "2").orElseThrow().account().name(), "least recently used");
    assertEquals("a", r.choose(need, "3").orElseThrow().account().name());
    QuotaRule sameRule = new QuotaRule("m", 10, Duration.ofSeconds(60), null);
    for (int i = 0; i < 6; i++) {
      assertTrue(quotas.tryTake("l", "a", List.of(sameRule), NOW, "other host").isPresent());
    }
    // a: 2 + 6 = 8 of 10 (80 %), b: 1 of 10; a is above the threshold, so b even though
    // b was used more recently.
    assertEquals("b", r.choose(need, "4").orElseThrow().account().name());
  }

  @Test
  void skipsCoolingLanesLanesTheTaskDoesNotFitAndRemoteLanesOfSovereignChains() throws Exception {
    LaneRouter r =
        router(
            "small:\n  argv: [cli]\n  context_tokens: 100\n  local: true\n"
                + "remote:\n  argv: [cli]\n  context_tokens: 100000\n"
                + "big:\n  argv: [cli]\n  context_tokens: 100000\n  local: true\n",
            "types:\n  t: [small, remote, big]\n  s: {lanes: [remote, small], sovereign: true}\n");
    LaneNeed fits = r.need(task("x", "t", 100), 1).orElseThrow();
    assertEquals("small", r.choose(fits, "1").orElseThrow().lane().name());
    LaneNeed large = r.need(task("y", "t", 4000), 1).orElseThrow();
    assertEquals(List.of("remote", "big"), large.lanes().stream().map(Lane::name).toList());
    states.coolDown(
        new LaneMark("remote", "default", NOW.plusSeconds(30), "rate_limited", null, NOW, "t"));
    assertEquals("big", r.choose(large, "2").orElseThrow().lane().name(), "remote cools down");
    LaneNeed sovereign = r.need(task("z", "s", 10), 1).orElseThrow();
    assertEquals(List.of("small"), sovereign.lanes().stream().map(Lane::name).toList());
    assertTrue(r.need(task("w", "s", 4000), 1).isEmpty(), "no local lane fits: not for here");
    assertFalse(r.ready(sovereign), "small is busy (concurrency 1) and remote is never an option");
  }
}
