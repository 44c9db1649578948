package dev.spool.coordinator.hooks;

import dev.spool.protocol.FieldException;
import dev.spool.protocol.Require;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * One configured hook: run {@code argv} (never through a shell) with the event JSON on stdin when
 * {@code on} happens, for at most {@code timeout} (default 10 s; seconds in JSON).
 *
 * @param label only for task events whose task carries every one of these labels (empty: all)
 */
public record HookConfig(
    String on, List<String> argv, Duration timeout, Map<String, String> label) {
  public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(10);

  public HookConfig {
    Require.name(on, "on");
    if (argv == null || argv.isEmpty() || argv.get(0).isEmpty()) {
      throw new FieldException("argv", "a hook needs a command");
    }
    argv = List.copyOf(argv);
    timeout = timeout == null ? DEFAULT_TIMEOUT : timeout;
    if (timeout.isNegative() || timeout.isZero() || timeout.compareTo(Duration.ofHours(1)) > 0) {
      throw new FieldException("timeout", "must be more than 0 and at most 3600 seconds");
    }
    label = label == null ? Map.of() : Map.copyOf(label);
  }

  boolean matches(HookEvent e) {
    return on.equals(e.event())
        && label.entrySet().stream().allMatch(l -> l.getValue().equals(e.labels().get(l.getKey())));
  }
}
