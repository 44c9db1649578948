package dev.spool.coordinator.dashboard;

import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Shares equal strings among the index's entries: a million tasks usually carry a handful of types,
 * label keys, label values and worker names, and one copy of each saves about 100 bytes a task.
 * Bounded: past {@link #MAX} distinct strings (unique label values, say) it stops sharing and
 * returns its argument. Thread-safe.
 */
final class Interner {
  static final int MAX = 100_000;

  private final Map<String, String> strings = new ConcurrentHashMap<>();

  String intern(String s) {
    if (s == null) {
      return null;
    }
    String shared = strings.get(s);
    if (shared != null) {
      return shared;
    }
    if (strings.size() >= MAX) {
      return s;
    }
    shared = strings.putIfAbsent(s, s);
    return shared == null ? s : shared;
  }

  Map<String, String> intern(Map<String, String> m) {
    if (m.isEmpty()) {
      return Map.of();
    }
    Map<String, String> out = new HashMap<>();
    m.forEach((k, v) -> out.put(intern(k), intern(v)));
    return Map.copyOf(out);
  }
}
