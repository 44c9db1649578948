package dev.spool.protocol.json;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import dev.spool.protocol.control.ControlRequest;
import dev.spool.protocol.heartbeat.Heartbeat;
import dev.spool.protocol.heartbeat.RunningTask;
import dev.spool.protocol.result.AttemptResult;
import dev.spool.protocol.result.EndNote;
import dev.spool.protocol.result.Outcome;
import dev.spool.protocol.result.OutputCapture;
import dev.spool.protocol.result.Usage;
import dev.spool.protocol.spool.SpoolMeta;
import dev.spool.protocol.spool.TaskState;
import dev.spool.protocol.spool.TerminalReason;
import dev.spool.protocol.task.Backoff;
import dev.spool.protocol.task.Condition;
import dev.spool.protocol.task.Dependency;
import dev.spool.protocol.task.Task;
import dev.spool.protocol.wal.WalRecord;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** Every record the spool stores survives write then read unchanged, with every field set. */
@Timeout(10)
class RecordRoundTripTest {
  private static final Instant T = Instant.parse("2026-11-21T18:00:00.123Z");

  private static <T> void roundTrip(T value, Class<T> type) throws Exception {
    assertEquals(value, SpoolJson.read("x.json", SpoolJson.write(value), type));
    assertEquals(value, SpoolJson.read("x.json", SpoolJson.writePretty(value), type));
  }

  @Test
  void taskWithEveryField() throws Exception {
    JsonNode input = SpoolJson.mapper().readTree("{\"prompt\":\"review\",\"files\":[\"a.java\"]}");
    Task t =
        Task.builder("t-1")
            .type("code-review")
            .lane("opencode")
            .model("gemini-3-pro")
            .priority(900)
            .createdAt(T)
            .argv(List.of("opencode", "run", "--model", "{model}"))
            .stdin("prompt text ünïcödé")
            .input(input)
            .env("A", "1")
            .cwd("/srv/work")
            .timeout(Duration.ofMillis(1500))
            .idleTimeout(Duration.ofSeconds(300))
            .queueTimeout(Duration.ofHours(1))
            .maxRetries(5)
            .maxLost(2)
            .backoff(new Backoff(Duration.ofMillis(250), 3.0, Duration.ofMinutes(2), 0.1))
            .dependsOn(new Dependency("t-0", Condition.ANY))
            .dependsOn(new Dependency("t-00", Condition.FAILURE))
            .requires("gpu")
            .prefers("fast-disk")
            .notBefore(T.plusSeconds(60))
            .idempotencyKey("nightly-2026-11-21")
            .group("fanout-1")
            .label("team", "core")
            .metadata(SpoolJson.mapper().readTree("{\"ticket\":42}"))
            .build();
    roundTrip(t, Task.class);
    roundTrip(t.toBuilder().stdin(null).stdinFile("/srv/in.txt").build(), Task.class);
  }

  static Stream<Outcome> outcomes() {
    return Stream.of(
        new Outcome.Succeeded(),
        new Outcome.Failed(2, null),
        new Outcome.Failed(null, 9),
        new Outcome.TimedOut(Duration.ofSeconds(30)),
        new Outcome.IdleTimedOut(Duration.ofMillis(1500)),
        new Outcome.Cancelled("by operator"),
        new Outcome.LaunchFailed("no such file: opencode", true),
        new Outcome.Lost("worker vm3 died"),
        new Outcome.HandedBack("worker shutting down"));
  }

  @ParameterizedTest
  @MethodSource("outcomes")
  void attemptResultWithEveryOutcome(Outcome outcome) throws Exception {
    AttemptResult r =
        new AttemptResult(
            1,
            "t-1",
            3,
            "vm1-1",
            7L,
            "vm1",
            T,
            T.plusSeconds(2),
            Duration.ofMillis(2000),
            outcome,
            "rate_limited",
            Duration.ofSeconds(30),
            new OutputCapture("logs/t-1~3.out", 12_000_000L, true),
            new OutputCapture("logs/t-1~3.err", 10L, false),
            new Usage(1200L, 340L, 0.0123, "gemini-3-pro"),
            "gemini",
            "acct-2",
            "sess-9",
            "note");
    roundTrip(r, AttemptResult.class);
  }

  @Test
  void endNoteHeartbeatControlWalAndMeta() throws Exception {
    roundTrip(
        new EndNote(
            1, "t-1", TaskState.DEAD, TerminalReason.DEPENDENCY_FAILED, T, 4, "t-0", "t-0 failed"),
        EndNote.class);
    roundTrip(
        new Heartbeat(
            1,
            "vm1-1",
            7L,
            "vm1",
            4242L,
            "0.1.0",
            T,
            99L,
            T.plusSeconds(2),
            1,
            4,
            List.of("gpu"),
            List.of("code-review"),
            List.of("opencode"),
            true,
            false,
            100L << 20,
            512L << 20,
            64L << 20,
            List.of(new RunningTask("t-1", 3, T, 5120L, T.plusSeconds(1))),
            null,
            null,
            null,
            null,
            null),
        Heartbeat.class);
    roundTrip(
        new ControlRequest.Cancel(1, "t-1", T, "operator ada@vm0", "not needed"),
        ControlRequest.class);
    roundTrip(new ControlRequest.Drain(1, "vm1-1", T, "operator ada@vm0"), ControlRequest.class);
    roundTrip(
        new WalRecord(
            1,
            12L,
            3L,
            T,
            "retry",
            "t-1",
            2,
            "failed/t-1~2.json",
            "scheduled/1795284001000~099~t-1~3.json",
            null,
            T.plusSeconds(4),
            SpoolJson.mapper().readTree("{\"retry\":2}")),
        WalRecord.class);
    roundTrip(SpoolMeta.current(T), SpoolMeta.class);
  }

  @Test
  void heartbeatClaimCountsAreOptional() throws Exception {
    Heartbeat old =
        SpoolJson.read(
            "heartbeats/w1.json",
            "{\"worker_id\":\"w1\",\"incarnation\":1,\"seq\":0}"
                .getBytes(java.nio.charset.StandardCharsets.UTF_8),
            Heartbeat.class);
    org.junit.jupiter.api.Assertions.assertEquals(0L, old.claimsTotal());
    org.junit.jupiter.api.Assertions.assertEquals(0L, old.claimsLostTotal());
    Heartbeat counted =
        new Heartbeat(
            null, "w1", 1L, null, null, null, null, 5L, null, null, null, null, null, null, null,
            null, null, null, null, null, null, null, null, 40L, 3L);
    roundTrip(counted, Heartbeat.class);
    String json = new String(SpoolJson.write(counted), java.nio.charset.StandardCharsets.UTF_8);
    org.junit.jupiter.api.Assertions.assertTrue(
        json.contains("\"claims_total\":40") && json.contains("\"claims_lost_total\":3"), json);
  }
}
