package dev.spool.deploy.lanes;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.spool.deploy.SpoolMain;
import dev.spool.protocol.result.AttemptResult;
import dev.spool.protocol.result.Outcome;
import dev.spool.protocol.result.Usage;
import dev.spool.protocol.spool.TaskState;
import dev.spool.protocol.task.Task;
import dev.spool.protocol.testing.Await;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * Fake CLIs on a real worker: a CLI that waits on a question gets EOF and ends; usage, cost and
 * session ids are read from output; a slow CLI is not stopped while it keeps writing; an expired
 * login disables the account (fleet-wide, shown by {@code spool lanes}) and the task moves to
 * another account without spending a retry.
 */
@Timeout(60)
class LaneBehaviourTest {
  private static final Duration WAIT = Duration.ofSeconds(30);

  @TempDir Path dir;
  private LaneFleet fleet;

  @BeforeEach
  void setUp() throws Exception {
    fleet = new LaneFleet(dir);
  }

  @AfterEach
  void tearDown() {
    fleet.close();
  }

  @Test
  void aCliWaitingOnAQuestionGetsEofAndNeverHoldsTheSlot() throws Exception {
    fleet.routing("types:\n  ask: [asker]\n  wait: [waiter]\n");
    fleet.worker(
        "w1",
        "lanes:\n  asker:\n    argv: ["
            + fleet.cli("asks-question.sh")
            + "]\n    prompt: argument\n  waiter:\n    argv: ["
            + fleet.cli("waits-forever.sh")
            + "]\n    prompt: stdin\n");
    fleet.submit(LaneFleet.prompt("q1", "ask", "refactor this"));
    Task waits =
        LaneFleet.prompt("q2", "wait", "hello").toBuilder()
            .idleTimeout(Duration.ofSeconds(2))
            .build();
    fleet.submit(waits);
    Await.until(WAIT, "q1 ends", () -> fleet.hasResult("q1", 1));
    Await.until(WAIT, "q1 in failed/", () -> fleet.failed("q1", 1));
    AttemptResult q1 = fleet.result("q1", 1).orElseThrow();
    assertEquals("idle", q1.classification(), q1.toString());
    assertTrue(q1.duration().toSeconds() < 5, "ended on EOF, not on a timeout: " + q1.duration());
    Await.until(WAIT, "q2 stopped by the idle timeout", () -> fleet.hasResult("q2", 1));
    AttemptResult q2 = fleet.result("q2", 1).orElseThrow();
    assertEquals(Outcome.Kind.IDLE_TIMED_OUT, q2.outcome().kind());
    assertEquals("idle", q2.classification());
    fleet.submit(LaneFleet.prompt("q3", "ask", "again"));
    Await.until(WAIT, "the lane's slot is free again", () -> fleet.hasResult("q3", 1));
  }

  @Test
  void usageCostAndSessionAreReadAndASlowCliKeepsRunning() throws Exception {
    fleet.routing("types:\n  priced: [priced]\n  slow: [slow]\n");
    fleet.worker(
        "w1",
        "lanes:\n  priced:\n    argv: ["
            + fleet.cli("usage-cost.sh")
            + "]\n    answer: {json: result}\n    session_id: {json: session_id}\n"
            + "    usage: {input_tokens: {json: usage.input_tokens}, output_tokens: {json:"
            + " usage.output_tokens}, cost_usd: {json: total_cost_usd}}\n"
            + "  slow:\n    argv: ["
            + fleet.cli("slow-output.sh")
            + "]\n");
    fleet.submit(LaneFleet.prompt("p1", "priced", "what is the answer"));
    fleet.submit(
        LaneFleet.prompt("s1", "slow", "take your time").toBuilder()
            .idleTimeout(Duration.ofSeconds(1))
            .build());
    Await.until(
        WAIT,
        "p1 and s1 done",
        () -> fleet.in(TaskState.DONE, "p1") && fleet.in(TaskState.DONE, "s1"));
    AttemptResult p1 = fleet.result("p1", 1).orElseThrow();
    assertEquals(new Usage(1234L, 56L, 0.0123, null), p1.usage());
    assertEquals("sess-7f3a", p1.sessionId());
    assertEquals("priced", p1.lane());
    assertEquals("default", p1.account());
    assertEquals("42 is the answer", Files.readString(fleet.layout.answerLog("p1", 1)));
    AttemptResult s1 = fleet.result("s1", 1).orElseThrow();
    assertEquals("succeeded", s1.classification());
    assertTrue(s1.duration().toMillis() >= 1000, "ran longer than its idle timeout");
    assertEquals("slow answer", Files.readString(fleet.layout.answerLog("s1", 1)));
  }

  @Test
  void anExpiredLoginDisablesTheAccountUntilAnOperatorClearsIt() throws Exception {
    Path stale = dir.resolve("stale.env");
    Path good = dir.resolve("good.env");
    Files.writeString(stale, "# expired login\nFAKE_TOKEN=expired\n");
    Files.writeString(good, "export FAKE_TOKEN=\"secret-123\"\n");
    fleet.routing("types:\n  review: [auth]\n");
    fleet.worker(
        "w1",
        "lanes:\n  auth:\n    argv: ["
            + fleet.cli("auth-by-env.sh")
            + "]\n    answer: {json: response}\n    accounts:\n      - {name: stale, env_file: "
            + stale
            + "}\n      - {name: good, env_file: "
            + good
            + "}\n");
    fleet.coordinator();
    fleet.submit(LaneFleet.prompt("a1", "review", "check this"));
    Await.until(WAIT, "a1 done", () -> fleet.in(TaskState.DONE, "a1"));
    List<AttemptResult> rs = fleet.results("a1");
    assertEquals("auth_failed", rs.get(0).classification());
    assertEquals("stale", rs.get(0).account());
    assertEquals("good", rs.get(rs.size() - 1).account());

    assertEquals("disabled", accountState("stale"));
    assertEquals("usable", accountState("good"));
    assertTrue(spool("lanes").contains("auth_failed"));
    assertEquals("cleared 1 mark(s) of auth/stale\n", spool("lanes", "--clear", "auth/stale"));
    assertEquals("usable", accountState("stale"));
    assertFalse(anyFileContains(fleet.layout.root(), "secret-123"), "credentials never leak");
  }

  /** The state {@code spool lanes --json} shows for an account of lane {@code auth}. */
  private String accountState(String account) throws IOException {
    JsonNode lanes = new ObjectMapper().readTree(spool("lanes", "--json")).get("lanes");
    for (JsonNode row : lanes) {
      if (row.get("lane").asText().equals("auth") && row.get("account").asText().equals(account)) {
        return row.get("state").asText();
      }
    }
    throw new AssertionError("no row for auth/" + account + " in " + lanes);
  }

  private String spool(String... args) {
    CommandLine cl = SpoolMain.commandLine(Clock.systemUTC());
    StringWriter out = new StringWriter();
    cl.setOut(new PrintWriter(out));
    String[] all = new String[args.length + 1];
    all[0] = args[0];
    all[1] = "--spool=" + fleet.layout.root();
    System.arraycopy(args, 1, all, 2, args.length - 1);
    assertEquals(0, cl.execute(all), out.toString());
    return out.toString();
  }

  /**
   * Whether any file under {@code root} contains {@code text}. The daemons are still running, so a
   * temporary file can be renamed away between the listing and the read: such a file is skipped,
   * and the walk is repeated so that its new name (perhaps in a directory already walked) is read.
   */
  private static boolean anyFileContains(Path root, String text) throws IOException {
    for (int pass = 0; pass < 2; pass++) {
      List<Path> files;
      try (Stream<Path> s = Files.walk(root)) {
        files = s.filter(Files::isRegularFile).toList();
      }
      for (Path p : files) {
        try {
          if (new String(Files.readAllBytes(p), StandardCharsets.UTF_8).contains(text)) {
            return true;
          }
        } catch (NoSuchFileException vanished) {
          // renamed or removed since the listing; the next pass reads its new name
        }
      }
    }
    return false;
  }
}
