package dev.spool.worker.lane;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import dev.spool.protocol.result.Outcome;
import dev.spool.protocol.result.Usage;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Lane config parsing, classification and extraction, as pure functions. */
@Timeout(10)
class ClassifierTest {
  private static Lane lane(String yaml) throws Exception {
    Map<String, Lane> lanes = LaneConfig.parse(new YAMLMapper().readTree("l:\n" + yaml));
    return lanes.get("l");
  }

  private static final Outcome EXIT1 = new Outcome.Failed(1, null);

  @Test
  void builtInRulesClassifyNonZeroExitsAndParseRetryAfter() throws Exception {
    Lane l = lane("  argv: [cli]\n");
    Classifier.Classified c =
        Classifier.classify(
            l, EXIT1, "", "HTTP 429 Too Many Requests. Retry after 17 seconds", null);
    assertEquals("rate_limited", c.classification());
    assertEquals(Duration.ofSeconds(17), c.retryAfter());
    assertEquals(
        Duration.ofMillis(1500),
        Classifier.classify(l, EXIT1, "", "rate limit; retry in 1500ms", null).retryAfter());
    assertEquals(
        "quota_exhausted",
        Classifier.classify(l, EXIT1, "", "insufficient_quota", null).classification());
    assertEquals(
        "auth_failed",
        Classifier.classify(l, EXIT1, "", "Your token has expired, please login", null)
            .classification());
    assertEquals(
        "context_too_large",
        Classifier.classify(l, EXIT1, "", "prompt is too long: 250000 tokens", null)
            .classification());
    assertEquals(
        "idle", Classifier.classify(l, EXIT1, "Continue? [y/N] ", "", null).classification());
    assertEquals("failed", Classifier.classify(l, EXIT1, "", "segfault", null).classification());
  }

  @Test
  void exitZeroIsSuccessUnlessEmptyOrARuleSaysOtherwise() throws Exception {
    Lane l =
        lane(
            "  argv: [cli]\n  classify:\n    - {class: rate_limited, exit: [0], pattern:"
                + " \"slow down\", stream: stdout, retry_after: \"wait (\\\\d+)\"}\n");
    Outcome ok = new Outcome.Succeeded();
    assertEquals(
        "succeeded", Classifier.classify(l, ok, "the 429 error means", "", "x").classification());
    Classifier.Classified idle = Classifier.classify(l, ok, "", "", "");
    assertEquals("idle", idle.classification());
    assertEquals(new Outcome.Failed(0, null), idle.outcome());
    Classifier.Classified limited = Classifier.classify(l, ok, "slow down, wait 9", "", "x");
    assertEquals("rate_limited", limited.classification());
    assertEquals(Duration.ofSeconds(9), limited.retryAfter());
    assertEquals(new Outcome.Failed(0, null), limited.outcome());
    assertEquals(
        "timed_out",
        Classifier.classify(l, new Outcome.TimedOut(Duration.ofSeconds(1)), "", "", null)
            .classification());
    assertEquals(
        "idle",
        Classifier.classify(l, new Outcome.IdleTimedOut(Duration.ofSeconds(1)), "", "", null)
            .classification());
  }

  @Test
  void extractsJsonFieldsJsonLinesAndRegexes() throws Exception {
    Lane l =
        lane(
            "  argv: [cli]\n  answer: {json: result}\n  session_id: {json: session_id}\n"
                + "  usage:\n    input_tokens: {json: usage.in}\n    cost_usd: {regex: \"cost"
                + " \\\\$([0-9.]+)\"}\n");
    String out =
        "{\"type\":\"start\",\"session_id\":\"s1\"}\n{\"result\":\"hi\",\"usage\":{\"in\":5}}\n";
    assertEquals("hi", Extractor.answer(l, out));
    assertEquals("s1", Extractor.sessionId(l, out, ""));
    assertEquals(new Usage(5L, null, 0.5, null), Extractor.usage(l, out, "total cost $0.5"));
    Lane raw = lane("  argv: [cli]\n");
    assertEquals("plain text", Extractor.answer(raw, "  plain text\n"));
    assertNull(Extractor.usage(raw, "x", "y"));
  }

  @Test
  void configRefusesUnknownKeysAndBadValuesAndExpandsQuotaShorthands() throws Exception {
    assertThrows(IllegalArgumentException.class, () -> lane("  argv: [cli]\n  colour: red\n"));
    assertThrows(IllegalArgumentException.class, () -> lane("  argv: [\"{prompt}\"]\n"));
    assertThrows(IllegalArgumentException.class, () -> lane("  argv: [cli]\n  prompt: pigeon\n"));
    assertThrows(
        IllegalArgumentException.class,
        () -> lane("  argv: [cli]\n  classify: [{class: sleepy}]\n"));
    Lane l =
        lane(
            "  argv: [cli]\n  accounts:\n    - name: a\n      env_file: /etc/a.env\n      quotas:"
                + " {per_minute: 5, per_day: 100, per_month: 1000, month_reset_day: 15}\n");
    assertEquals(3, l.accounts().get(0).quotas().size());
    assertEquals(Duration.ofMinutes(1), l.accounts().get(0).quotas().get(0).window());
    assertEquals(15, l.accounts().get(0).quotas().get(2).resetDay());
    assertTrue(lane("  argv: [cli]\n").accounts().get(0).name().equals("default"));
  }
}
