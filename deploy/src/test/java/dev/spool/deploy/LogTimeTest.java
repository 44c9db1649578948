package dev.spool.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.joran.JoranConfigurator;
import ch.qos.logback.core.status.Status;
import java.time.Instant;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.SplittableRandom;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(20)
class LogTimeTest {
  @Test
  void writesWhatTheDateFormatterWrites() {
    DateTimeFormatter f =
        DateTimeFormatter.ofPattern("HH:mm:ss.SSS").withZone(ZoneId.systemDefault());
    LogTime t = new LogTime();
    SplittableRandom r = new SplittableRandom(1);
    long base = Instant.parse("2026-11-21T23:59:58Z").toEpochMilli();
    for (int i = 0; i < 20_000; i++) {
      // Runs of lines within one second, then jumps (forwards and backwards) between seconds.
      long ms = i % 50 == 0 ? r.nextLong(0, 4_000_000_000_000L) : base + r.nextLong(-3000, 3000);
      if (i % 50 == 0) {
        base = ms;
      }
      assertEquals(f.format(Instant.ofEpochMilli(ms)), t.format(ms), "millis " + ms);
    }
  }

  @Test
  void theShippedConfigurationLoadsWithoutWarnings() throws Exception {
    // Logback prints its whole internal status to stdout (every daemon's journal) at start when
    // its configuration has a warning, such as a deprecated attribute.
    LoggerContext context = new LoggerContext();
    JoranConfigurator configurator = new JoranConfigurator();
    configurator.setContext(context);
    configurator.doConfigure(getClass().getResource("/logback.xml"));
    List<Status> problems =
        context.getStatusManager().getCopyOfStatusList().stream()
            .filter(s -> s.getLevel() >= Status.WARN)
            .collect(Collectors.toList());
    assertTrue(problems.isEmpty(), problems.toString());
    assertEquals("%time %-5level %logger{0} %msg%n", patternOf(context));
  }

  private static String patternOf(LoggerContext context) {
    var appender = context.getLogger("ROOT").getAppender("OUT");
    var encoder =
        (ch.qos.logback.classic.encoder.PatternLayoutEncoder)
            ((ch.qos.logback.core.ConsoleAppender<?>) appender).getEncoder();
    return encoder.getPattern();
  }
}
