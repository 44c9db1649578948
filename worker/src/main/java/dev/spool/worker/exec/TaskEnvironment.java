package dev.spool.worker.exec;

import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The environment of a task's process: a scrubbed base taken from the worker's own environment,
 * plus the configured allow-list, plus the task's {@code env}, plus the {@code SPOOL_*} variables.
 * Nothing else of the worker's environment leaks (its credentials stay out unless allowed).
 *
 * <p>When the worker runs only configured types, a task must not be able to change which program
 * runs or what it loads, so its {@code env} may not set {@code PATH}, {@code LD_*}, {@code DYLD_*}
 * or {@code SPOOL_*}; a worker that allows raw argv already trusts tasks with code execution and
 * lets them set anything but {@code SPOOL_*}. Stateless and thread-safe.
 */
public final class TaskEnvironment {
  /** Variables every task gets from the worker's environment when set there. */
  public static final List<String> BASE =
      List.of("PATH", "HOME", "USER", "LOGNAME", "LANG", "LC_ALL", "LC_CTYPE", "TZ", "TMPDIR");

  static final String DEFAULT_PATH = "/usr/local/bin:/usr/bin:/bin";

  private TaskEnvironment() {}

  /**
   * Builds the environment.
   *
   * @param workerEnv the worker's own environment
   * @param allow names or {@code PREFIX*} patterns passed through from {@code workerEnv}
   * @param taskEnv the task's {@code env}
   * @param trustTask true when raw argv is allowed on this worker
   * @param spoolVars the {@code SPOOL_*} variables, set last
   * @throws IllegalArgumentException naming a task variable that is not allowed
   */
  public static Map<String, String> build(
      Map<String, String> workerEnv,
      List<String> allow,
      Map<String, String> taskEnv,
      boolean trustTask,
      Map<String, String> spoolVars) {
    Map<String, String> env = new TreeMap<>();
    for (String name : BASE) {
      String v = workerEnv.get(name);
      if (v != null) {
        env.put(name, v);
      }
    }
    env.putIfAbsent("PATH", DEFAULT_PATH);
    for (Map.Entry<String, String> e : workerEnv.entrySet()) {
      if (allowed(e.getKey(), allow)) {
        env.put(e.getKey(), e.getValue());
      }
    }
    for (Map.Entry<String, String> e : taskEnv.entrySet()) {
      String refusal = refusal(e.getKey(), trustTask);
      if (refusal != null) {
        throw new IllegalArgumentException("env." + e.getKey() + ": " + refusal);
      }
      env.put(e.getKey(), e.getValue());
    }
    env.putAll(spoolVars);
    return env;
  }

  static boolean allowed(String name, List<String> allow) {
    for (String a : allow) {
      if (a.endsWith("*") ? name.startsWith(a.substring(0, a.length() - 1)) : name.equals(a)) {
        return true;
      }
    }
    return false;
  }

  private static String refusal(String name, boolean trustTask) {
    if (name.startsWith("SPOOL_")) {
      return "SPOOL_* variables are set by the worker";
    }
    if (!trustTask && (name.equals("PATH") || name.startsWith("LD_") || name.startsWith("DYLD_"))) {
      return "a task may not set PATH, LD_* or DYLD_* on a worker that runs only configured types";
    }
    return null;
  }
}
