package dev.spool.worker.config;

import dev.spool.worker.lane.Lane;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * Everything a worker needs to run, validated: a {@code WorkerConfig} that exists can start a
 * worker. Built from a YAML file ({@link ConfigFile}, snake_case keys) and command-line flags
 * through {@link Builder}. Immutable and thread-safe. (Over 300 lines only because the builder has
 * one setter per config key.)
 *
 * @param spool the spool root
 * @param workerId this worker's id (default: host name plus {@code -<instance>}, instance 1)
 * @param slots how many tasks run at once (default: number of cores)
 * @param capabilities what this worker offers to {@code requires}/{@code prefers}
 * @param types task type to command template
 * @param allowArgv whether raw {@code argv} tasks run here (default false)
 * @param quarantineRefusedArgv when argv is not allowed, whether such tasks are claimed and
 *     quarantined (true, the default) or left for a worker that allows them
 * @param envAllow names (or {@code PREFIX*}) passed from the worker's environment to tasks
 * @param outputCapBytes cap per stream per attempt (default 10 MiB)
 * @param defaultTimeout hard timeout of a task that names none
 * @param idleTimeout idle-output timeout of a task that names none
 * @param killGrace time between SIGTERM and SIGKILL when stopping a process tree
 * @param heartbeatInterval pace of heartbeat writes (default 2 s)
 * @param rescanInterval pace of the full pending/ listing (default 1 s)
 * @param drainTimeout how long a graceful shutdown lets running tasks finish before handing them
 *     back
 * @param watch whether file-system events are used as a fast path besides the rescan
 * @param scratchDir parent of the per-worker scratch directories ({@code
 *     scratch_dir/<worker>/s<N>}, each emptied after an attempt and reused)
 * @param allowedCwds directories under which a task may name its own {@code cwd}
 * @param livenessCheck how long start-up watches an existing heartbeat of the same id for progress
 * @param bulkhead slots kept free for urgent work
 * @param lanes AI-CLI lanes by name ({@link dev.spool.worker.lane.LaneConfig})
 */
public record WorkerConfig(
    Path spool,
    String workerId,
    int slots,
    List<String> capabilities,
    Map<String, TypeTemplate> types,
    boolean allowArgv,
    boolean quarantineRefusedArgv,
    List<String> envAllow,
    long outputCapBytes,
    Duration defaultTimeout,
    Duration idleTimeout,
    Duration killGrace,
    Duration heartbeatInterval,
    Duration rescanInterval,
    Duration drainTimeout,
    boolean watch,
    Path scratchDir,
    List<Path> allowedCwds,
    Duration livenessCheck,
    Bulkhead bulkhead,
    Map<String, Lane> lanes) {

  /**
   * A bulkhead: {@code reservedSlots} of the worker's slots only run tasks of priority at least
   * {@code minPriority}, so background work cannot take every slot from urgent work.
   */
  public record Bulkhead(int reservedSlots, int minPriority) {
    public static final Bulkhead NONE = new Bulkhead(0, 0);

    public Bulkhead {
      check(reservedSlots >= 0, "reserved_slots", "must not be negative");
      check(minPriority >= 0 && minPriority <= 999, "reserved_min_priority", "must be 0 to 999");
    }
  }

  static final Pattern ID = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,127}");
  static final Pattern NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._:/-]{0,63}");
  static final Pattern ENV_NAME = Pattern.compile("[A-Za-z_][A-Za-z0-9_]*\\*?");

  public WorkerConfig {
    spool = Objects.requireNonNull(spool, "spool").toAbsolutePath().normalize();
    check(
        workerId != null && ID.matcher(workerId).matches(),
        "worker_id",
        "must be 1 to 128"
            + " characters of A-Z a-z 0-9 . _ - starting with a letter or digit (got "
            + workerId
            + ")");
    check(slots >= 1 && slots <= 1024, "slots", "must be between 1 and 1024 (got " + slots + ")");
    capabilities = List.copyOf(capabilities);
    for (String c : capabilities) {
      check(NAME.matcher(c).matches(), "capabilities", "bad capability name " + c);
    }
    types = Map.copyOf(types);
    for (String t : types.keySet()) {
      check(NAME.matcher(t).matches(), "types", "bad type name " + t);
    }
    envAllow = List.copyOf(envAllow);
    for (String e : envAllow) {
      check(ENV_NAME.matcher(e).matches(), "env_allow", "bad variable name " + e);
    }
    check(outputCapBytes >= 1024, "output_cap", "must be at least 1024 bytes");
    positive(defaultTimeout, "default_timeout");
    positive(idleTimeout, "idle_timeout");
    positive(killGrace, "kill_grace");
    positive(heartbeatInterval, "heartbeat_interval");
    positive(rescanInterval, "rescan_interval");
    Objects.requireNonNull(drainTimeout, "drain_timeout");
    check(!drainTimeout.isNegative(), "drain_timeout", "must not be negative");
    scratchDir = Objects.requireNonNull(scratchDir, "scratch_dir").toAbsolutePath().normalize();
    List<Path> cwds = new ArrayList<>();
    for (Path p : allowedCwds) {
      cwds.add(p.toAbsolutePath().normalize());
    }
    allowedCwds = List.copyOf(cwds);
    Objects.requireNonNull(livenessCheck, "liveness_check");
    Objects.requireNonNull(bulkhead, "bulkhead");
    check(
        bulkhead.reservedSlots() < slots,
        "reserved_slots",
        "must be less than slots (" + slots + ") so some slot runs ordinary work");
    lanes = Map.copyOf(lanes);
  }

  private static void check(boolean ok, String key, String reason) {
    if (!ok) {
      throw new IllegalArgumentException(key + ": " + reason);
    }
  }

  private static void positive(Duration d, String key) {
    check(d != null && !d.isNegative() && !d.isZero(), key, "must be more than 0 seconds");
  }

  /** A builder with every default set; {@code spool} is the only value without one. */
  public static Builder builder(Path spool) {
    return new Builder(spool);
  }

  /** Collects values from the config file and flags; {@link #build} validates. Not thread-safe. */
  public static final class Builder {
    Path spool;
    String workerId;
    int slots = Runtime.getRuntime().availableProcessors();
    List<String> capabilities = new ArrayList<>();
    Map<String, TypeTemplate> types = new LinkedHashMap<>();
    boolean allowArgv;
    boolean quarantineRefusedArgv = true;
    List<String> envAllow = new ArrayList<>();
    long outputCapBytes = 10L * 1024 * 1024;
    Duration defaultTimeout = Duration.ofHours(1);
    Duration idleTimeout = Duration.ofMinutes(30);
    Duration killGrace = Duration.ofSeconds(5);
    Duration heartbeatInterval = Duration.ofSeconds(2);
    Duration rescanInterval = Duration.ofSeconds(1);
    Duration drainTimeout = Duration.ofSeconds(60);
    boolean watch = true;
    Path scratchDir;
    List<Path> allowedCwds = new ArrayList<>();
    Duration livenessCheck;
    int reservedSlots;
    int reservedMinPriority = 900;
    String instance = "1";
    Map<String, Lane> lanes = new LinkedHashMap<>();

    Builder(Path spool) {
      this.spool = spool;
    }

    public Builder spool(Path v) {
      spool = v;
      return this;
    }

    public Builder workerId(String v) {
      workerId = v;
      return this;
    }

    public Builder slots(int v) {
      slots = v;
      return this;
    }

    public Builder capabilities(List<String> v) {
      capabilities = new ArrayList<>(v);
      return this;
    }

    public Builder type(String name, TypeTemplate template) {
      types.put(name, template);
      return this;
    }

    public Builder allowArgv(boolean v) {
      allowArgv = v;
      return this;
    }

    public Builder quarantineRefusedArgv(boolean v) {
      quarantineRefusedArgv = v;
      return this;
    }

    public Builder envAllow(List<String> v) {
      envAllow = new ArrayList<>(v);
      return this;
    }

    public Builder outputCapBytes(long v) {
      outputCapBytes = v;
      return this;
    }

    public Builder defaultTimeout(Duration v) {
      defaultTimeout = v;
      return this;
    }

    public Builder idleTimeout(Duration v) {
      idleTimeout = v;
      return this;
    }

    public Builder killGrace(Duration v) {
      killGrace = v;
      return this;
    }

    public Builder heartbeatInterval(Duration v) {
      heartbeatInterval = v;
      return this;
    }

    public Builder rescanInterval(Duration v) {
      rescanInterval = v;
      return this;
    }

    public Builder drainTimeout(Duration v) {
      drainTimeout = v;
      return this;
    }

    public Builder watch(boolean v) {
      watch = v;
      return this;
    }

    public Builder scratchDir(Path v) {
      scratchDir = v;
      return this;
    }

    public Builder allowedCwds(List<Path> v) {
      allowedCwds = new ArrayList<>(v);
      return this;
    }

    public Builder reservedSlots(int v) {
      reservedSlots = v;
      return this;
    }

    public Builder reservedMinPriority(int v) {
      reservedMinPriority = v;
      return this;
    }

    /** The suffix of the default worker id ({@code <host>-<instance>}). */
    public Builder instance(String v) {
      instance = v;
      return this;
    }

    public Builder lanes(Map<String, Lane> v) {
      lanes = new LinkedHashMap<>(v);
      return this;
    }

    public Builder livenessCheck(Duration v) {
      livenessCheck = v;
      return this;
    }

    /**
     * Validates and builds.
     *
     * @throws IllegalArgumentException naming the key and the problem
     */
    public WorkerConfig build() {
      String id = workerId != null ? workerId : HostNames.defaultWorkerId(instance);
      Path scratch =
          scratchDir != null
              ? scratchDir
              : Path.of(System.getProperty("java.io.tmpdir"), "spool-scratch");
      Duration live =
          livenessCheck != null ? livenessCheck : heartbeatInterval.multipliedBy(2).plusSeconds(1);
      return new WorkerConfig(
          spool,
          id,
          slots,
          capabilities,
          types,
          allowArgv,
          quarantineRefusedArgv,
          envAllow,
          outputCapBytes,
          defaultTimeout,
          idleTimeout,
          killGrace,
          heartbeatInterval,
          rescanInterval,
          drainTimeout,
          watch,
          scratch,
          allowedCwds,
          live,
          new Bulkhead(reservedSlots, reservedSlots == 0 ? 0 : reservedMinPriority),
          lanes);
    }
  }
}
