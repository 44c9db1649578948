package dev.spool.coordinator.dashboard;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Assumptions;

/**
 * The Prometheus text format in tests: promtool (Debian's prometheus package, installed by
 * scripts/test-deps.sh) parses and lints it; {@link #parse} reads sample values for assertions and
 * refuses any line that is neither a comment nor a well-formed sample.
 */
final class PromText {
  private static final Pattern SAMPLE =
      Pattern.compile(
          "([a-zA-Z_:][a-zA-Z0-9_:]*(?:\\{(?:[a-zA-Z_][a-zA-Z0-9_]*=\"(?:[^\"\\\\]|\\\\.)*\",?)*\\})?)"
              + " (\\S+)( -?\\d+)?");

  private PromText() {}

  static Map<String, Double> parse(String text) {
    Map<String, Double> out = new LinkedHashMap<>();
    for (String line : text.split("\n", -1)) {
      if (line.isEmpty() || line.startsWith("# HELP ") || line.startsWith("# TYPE ")) {
        continue;
      }
      Matcher m = SAMPLE.matcher(line);
      assertTrue(m.matches(), "not a sample line: " + line);
      String v = m.group(2);
      double d =
          v.equals("+Inf")
              ? Double.POSITIVE_INFINITY
              : v.equals("-Inf") ? Double.NEGATIVE_INFINITY : Double.parseDouble(v);
      assertTrue(out.put(m.group(1), d) == null, "duplicate series " + m.group(1));
    }
    return out;
  }

  /** Runs {@code promtool check metrics}; skips with the reason when promtool is missing. */
  static void checkWithPromtool(String text) throws IOException, InterruptedException {
    Process p;
    try {
      p = new ProcessBuilder("promtool", "check", "metrics").redirectErrorStream(true).start();
    } catch (IOException e) {
      System.out.println(
          "SKIPPED promtool check: promtool is not installed (scripts/test-deps.sh)");
      Assumptions.abort("promtool is not installed: " + e.getMessage());
      return;
    }
    p.getOutputStream().write(text.getBytes(StandardCharsets.UTF_8));
    p.getOutputStream().close();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertTrue(p.waitFor(30, TimeUnit.SECONDS), "promtool timed out");
    assertEquals(0, p.exitValue(), "promtool check metrics:\n" + out + "\n---\n" + text);
  }
}
