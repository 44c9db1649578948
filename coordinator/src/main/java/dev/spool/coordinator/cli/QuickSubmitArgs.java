package dev.spool.coordinator.cli;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The arguments of {@code spool submit [OPTION VALUE | OPTION=VALUE]... -- ARGV...} as {@link
 * SubmitCommand} reads them, for the forms {@link QuickSubmit} handles. Parsing is deliberately
 * narrower than picocli's: whatever could mean something else to picocli comes back empty, so the
 * caller hands the command to picocli. That is: any option not listed here (help, {@code --file},
 * {@code --key}, {@code --stdin}, {@code --json}...), an option without its value, a value that
 * starts with {@code -}, a single-valued option given twice, a map option without {@code =}, any
 * argument that starts with {@code @} (picocli reads an argument file, even after {@code --}), and
 * a command line without {@code --} or with a positional argument before it.
 */
final class QuickSubmitArgs {
  private static final Set<String> SINGLE =
      Set.of(
          "--spool",
          "--id",
          "--type",
          "--lane",
          "--model",
          "--priority",
          "--timeout",
          "--idle-timeout",
          "--queue-timeout",
          "--max-retries",
          "--not-before",
          "--group");
  private static final Set<String> LISTS = Set.of("--after", "--requires", "--prefers");
  private static final Set<String> MAPS = Set.of("--label", "--env");

  /** Single-valued options by name ({@code --id}...). */
  final Map<String, String> single = new HashMap<>();

  /** List options by name, values in order. */
  final Map<String, List<String>> lists = new HashMap<>();

  /** {@code --label} and {@code --env}: entries in order; a repeated key keeps its place. */
  final Map<String, Map<String, String>> maps = new HashMap<>();

  final List<String> argv = new ArrayList<>();

  private QuickSubmitArgs() {
    LISTS.forEach(o -> lists.put(o, new ArrayList<>()));
    MAPS.forEach(o -> maps.put(o, new LinkedHashMap<>()));
  }

  /** The parsed command line, or empty when picocli must read it. */
  static Optional<QuickSubmitArgs> parse(String[] args) {
    if (args.length < 2 || !"submit".equals(args[0])) {
      return Optional.empty();
    }
    for (String a : args) {
      if (a.startsWith("@")) {
        return Optional.empty();
      }
    }
    QuickSubmitArgs parsed = new QuickSubmitArgs();
    for (int i = 1; i < args.length; i++) {
      if ("--".equals(args[i])) {
        parsed.argv.addAll(List.of(args).subList(i + 1, args.length));
        return Optional.of(parsed);
      }
      int eq = args[i].indexOf('=');
      String name = eq < 0 ? args[i] : args[i].substring(0, eq);
      String value;
      if (eq >= 0) {
        value = args[i].substring(eq + 1);
      } else if (i + 1 < args.length) {
        value = args[++i];
      } else {
        return Optional.empty();
      }
      if (value.startsWith("-") || !parsed.accept(name, value)) {
        return Optional.empty();
      }
    }
    return Optional.empty(); // no "--"
  }

  private boolean accept(String name, String value) {
    if (SINGLE.contains(name)) {
      return single.putIfAbsent(name, value) == null;
    }
    if (LISTS.contains(name)) {
      return lists.get(name).add(value);
    }
    if (MAPS.contains(name)) {
      int eq = value.indexOf('=');
      if (eq < 0) {
        return false;
      }
      maps.get(name).put(value.substring(0, eq), value.substring(eq + 1));
      return true;
    }
    return false;
  }
}
