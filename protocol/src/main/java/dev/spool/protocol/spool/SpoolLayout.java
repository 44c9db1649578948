package dev.spool.protocol.spool;

import dev.spool.protocol.InvalidInputException;
import dev.spool.protocol.Require;
import dev.spool.protocol.fs.AtomicFiles;
import dev.spool.protocol.fs.FileOps;
import dev.spool.protocol.json.SpoolJson;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Every path and name of a spool. Nobody else concatenates a path inside the spool. Immutable and
 * thread-safe; the directories it names are created by {@link #create}.
 */
public final class SpoolLayout {
  public static final String META_FILE = "spool.json";

  private final Path root;
  private final Map<TaskState, Path> stateDirs = new EnumMap<>(TaskState.class);

  public SpoolLayout(Path root) {
    this.root = root.toAbsolutePath().normalize();
    for (TaskState s : TaskState.values()) {
      stateDirs.put(s, this.root.resolve(s.dirName()));
    }
  }

  public Path root() {
    return root;
  }

  public Path meta() {
    return root.resolve(META_FILE);
  }

  public Path dir(TaskState state) {
    return stateDirs.get(state);
  }

  public Path tmp() {
    return root.resolve("tmp");
  }

  public Path results() {
    return root.resolve("results");
  }

  public Path logs() {
    return root.resolve("logs");
  }

  public Path heartbeats() {
    return root.resolve("heartbeats");
  }

  public Path control() {
    return root.resolve("control");
  }

  public Path wal() {
    return root.resolve("wal");
  }

  public Path quarantine() {
    return root.resolve("quarantine");
  }

  /** Shared fleet configuration (routing, lanes, quotas), read by workers and the coordinator. */
  public Path config() {
    return root.resolve("config");
  }

  /** Fleet-wide state kept through the spool itself (quota windows, cooldowns, locks). */
  public Path state() {
    return root.resolve("state");
  }

  /**
   * The active coordinator's lease, {@code state/coordinator.lease}, replaced atomically by its
   * holder about every second.
   */
  public Path coordinatorLease() {
    return state().resolve("coordinator.lease");
  }

  /**
   * The claim on one coordinator lease epoch, {@code state/coordinator.epoch~<20 digits>}:
   * published with a hard link, so exactly one coordinator ever holds each epoch.
   */
  public Path coordinatorEpoch(long epoch) {
    return state().resolve(String.format("coordinator.epoch~%020d", epoch));
  }

  /**
   * Where idempotency keys are reserved, {@code state/idempotency/}: one file per key, created on
   * first use (not by {@link #create}).
   */
  public Path idempotencyDir() {
    return state().resolve("idempotency");
  }

  /**
   * The reservation of one idempotency key, {@code state/idempotency/<sha256 of the key,
   * hex>.json}: published if absent by the first submit of the key, so a key names one task.
   */
  public Path idempotencyRecord(String key) {
    try {
      byte[] hash =
          MessageDigest.getInstance("SHA-256").digest(key.getBytes(StandardCharsets.UTF_8));
      return idempotencyDir().resolve(java.util.HexFormat.of().formatHex(hash) + ".json");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every Java platform has SHA-256", e);
    }
  }

  /** The fleet's routing file, {@code config/routing.yaml} (absent: no routing). */
  public Path routingFile() {
    return config().resolve("routing.yaml");
  }

  /** Per-lane state, {@code state/lanes/}; created on first use (not by {@link #create}). */
  public Path laneStates() {
    return state().resolve("lanes");
  }

  /** The state directory of one lane, {@code state/lanes/<lane>/}. */
  public Path laneState(String lane) {
    return laneStates().resolve(segment(lane, "lane"));
  }

  /**
   * A lane account's state file, {@code state/lanes/<lane>/<account>.<kind>}; kinds: {@code
   * account} (registration), {@code cooldown}, {@code disabled}.
   */
  public Path laneAccountFile(String lane, String account, String kind) {
    return laneState(lane).resolve(segment(account, "account") + "." + segment(kind, "kind"));
  }

  /**
   * What one worker observed of one lane, {@code state/lane-workers/<lane>/<worker>.json}, replaced
   * by that worker only (see {@code lanes.LaneObservation}).
   *
   * @throws IllegalArgumentException when the lane or worker id is not a valid name segment
   */
  public Path laneObservation(String lane, String worker) {
    return laneObservations(lane).resolve(segment(worker, "worker") + ".json");
  }

  /** The observations of one lane by every worker, {@code state/lane-workers/<lane>/}. */
  public Path laneObservations(String lane) {
    return state().resolve("lane-workers").resolve(segment(lane, "lane"));
  }

  /**
   * Pending tasks no live worker can run, {@code state/unroutable.json}, replaced by the active
   * coordinator (see {@code lanes.UnroutableNote}).
   */
  public Path unroutableNote() {
    return state().resolve("unroutable.json");
  }

  /** The quota windows of one account, {@code state/quota/<lane>/<account>/}. */
  public Path quotaDir(String lane, String account) {
    return state()
        .resolve("quota")
        .resolve(segment(lane, "lane"))
        .resolve(segment(account, "account"));
  }

  /** The extracted answer of one attempt, {@code logs/<id>~<attempt>.answer}. */
  public Path answerLog(String id, int attempt) {
    return logs().resolve(Require.id(id, "id") + "~" + attempt + ".answer");
  }

  /**
   * The lane and account of a running attempt, {@code logs/<id>~<attempt>.lane}: one line {@code
   * LANE ACCOUNT}, written by the worker before the CLI starts (so {@code spool lanes} can count
   * accounts in use from claimed/).
   */
  public Path laneLog(String id, int attempt) {
    return logs().resolve(Require.id(id, "id") + "~" + attempt + ".lane");
  }

  private static final java.util.regex.Pattern SEGMENT =
      java.util.regex.Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,63}");

  /** A name used as one path segment: no separators, no leading dot. */
  private static String segment(String value, String field) {
    if (value == null || !SEGMENT.matcher(value).matches()) {
      throw new IllegalArgumentException(
          field + " must be 1 to 64 characters of A-Z a-z 0-9 . _ - (got " + value + ")");
    }
    return value;
  }

  /** Every directory of the spool, in creation order. */
  public List<Path> directories() {
    List<Path> dirs = new ArrayList<>();
    dirs.add(tmp());
    dirs.addAll(stateDirs.values());
    dirs.add(results());
    dirs.add(logs());
    dirs.add(heartbeats());
    dirs.add(control());
    dirs.add(wal());
    dirs.add(quarantine());
    dirs.add(config());
    dirs.add(state());
    return dirs;
  }

  public Path path(TaskName name) {
    return dir(name.state()).resolve(name.fileName());
  }

  public Path terminal(TaskState state, String id) {
    return path(new TaskName.Terminal(state, id));
  }

  /** The result record of one attempt: {@code results/<id>~<attempt>.json}. */
  public Path result(String id, int attempt) {
    return results().resolve(Require.id(id, "id") + "~" + attempt + ".json");
  }

  /**
   * Where a worker keeps a result it could not publish because the attempt was already decided (its
   * claim was requeued): {@code results/<id>~<attempt>~<worker>~<incarnation>.stale.json}.
   */
  public Path staleResult(String id, int attempt, String worker, long incarnation) {
    return results()
        .resolve(
            Require.id(id, "id")
                + "~"
                + attempt
                + "~"
                + Require.id(worker, "worker")
                + "~"
                + incarnation
                + ".stale.json");
  }

  /** Why a task ended in dead/ or cancelled/: {@code results/<id>~end.json}. */
  public Path endNote(String id) {
    return results().resolve(Require.id(id, "id") + "~end.json");
  }

  /** Captured stdout of one attempt: {@code logs/<id>~<attempt>.out}. */
  public Path stdoutLog(String id, int attempt) {
    return logs().resolve(Require.id(id, "id") + "~" + attempt + ".out");
  }

  /** Captured stderr of one attempt: {@code logs/<id>~<attempt>.err}. */
  public Path stderrLog(String id, int attempt) {
    return logs().resolve(Require.id(id, "id") + "~" + attempt + ".err");
  }

  /** A path inside the spool, relative to the root, with {@code /} separators (as in records). */
  public String relative(Path p) {
    return root.relativize(p.toAbsolutePath().normalize()).toString().replace('\\', '/');
  }

  public Path heartbeat(String worker) {
    return heartbeats().resolve(Require.id(worker, "worker") + ".json");
  }

  public Path cancelRequest(String taskId) {
    return control().resolve("cancel~" + Require.id(taskId, "task_id") + ".json");
  }

  public Path drainRequest(String worker) {
    return control().resolve("drain~" + Require.id(worker, "worker_id") + ".json");
  }

  /** Parses a file name found in {@code state}'s directory; empty if it breaks the grammar. */
  public Optional<TaskName> parse(TaskState state, String fileName) {
    return TaskName.parse(state, fileName);
  }

  /**
   * Creates the spool, or checks an existing one. Idempotent. Refuses a non-empty directory that is
   * not a spool, so {@code spool init ~} cannot litter a home directory.
   *
   * @throws SpoolFormatException if the directory is not empty and not a spool, or a spool of an
   *     unknown major version
   */
  public static SpoolLayout create(Path root, Instant now)
      throws IOException, SpoolFormatException {
    SpoolLayout layout = new SpoolLayout(root);
    Files.createDirectories(layout.root);
    if (!Files.exists(layout.meta(), LinkOption.NOFOLLOW_LINKS)) {
      try (var entries = Files.list(layout.root)) {
        if (entries.findAny().isPresent()) {
          throw new SpoolFormatException(
              layout.root
                  + " is not empty and has no "
                  + META_FILE
                  + ": refusing to make it a spool");
        }
      }
    } else {
      layout.readMeta();
    }
    for (Path d : layout.directories()) {
      Files.createDirectories(d);
    }
    if (!Files.exists(layout.meta(), LinkOption.NOFOLLOW_LINKS)) {
      AtomicFiles files = new AtomicFiles(FileOps.real(), layout.tmp(), true);
      files.publishIfAbsent(layout.meta(), SpoolJson.writePretty(SpoolMeta.current(now)));
      files.syncDir(layout.root);
    }
    return layout;
  }

  /**
   * Opens an existing spool: checks {@code spool.json} and that every directory exists.
   *
   * @throws SpoolFormatException naming what is wrong (missing, unknown version, missing dir)
   */
  public static SpoolLayout open(Path root) throws IOException, SpoolFormatException {
    SpoolLayout layout = new SpoolLayout(root);
    layout.readMeta();
    for (Path d : layout.directories()) {
      if (!Files.isDirectory(d, LinkOption.NOFOLLOW_LINKS)) {
        throw new SpoolFormatException(
            "spool "
                + layout.root
                + " is incomplete: "
                + d.getFileName()
                + "/ is missing (run spool init)");
      }
    }
    return layout;
  }

  private SpoolMeta readMeta() throws IOException, SpoolFormatException {
    byte[] bytes;
    try {
      bytes = Files.readAllBytes(meta());
    } catch (NoSuchFileException e) {
      throw new SpoolFormatException(
          root + " is not a spool: " + META_FILE + " is missing (create one with spool init)");
    }
    // The plain form init writes is read without the codec's mapper (a short command's start-up);
    // anything else goes through the codec, which names what is wrong.
    SpoolMeta meta = SpoolMetaText.tryRead(bytes).orElse(null);
    if (meta == null) {
      try {
        meta = SpoolJson.read(meta().toString(), bytes, SpoolMeta.class);
      } catch (InvalidInputException e) {
        throw new SpoolFormatException(e.getMessage());
      }
    }
    if (meta.major() != SpoolMeta.MAJOR) {
      throw new SpoolFormatException(
          "spool "
              + root
              + " has format version "
              + meta.version()
              + "; this program reads version "
              + SpoolMeta.MAJOR
              + ".x (it writes "
              + SpoolMeta.CURRENT
              + ")");
    }
    return meta;
  }

  /**
   * Checks that {@code tmp/} and every directory a file is renamed into are on one file system;
   * across file systems rename is a copy and not atomic.
   *
   * @return a description of the first directory on another file system, if any
   */
  public Optional<String> checkOneFileSystem() throws IOException {
    Object dev = Files.getAttribute(tmp(), "unix:dev", LinkOption.NOFOLLOW_LINKS);
    for (Path d : directories()) {
      Object other = Files.getAttribute(d, "unix:dev", LinkOption.NOFOLLOW_LINKS);
      if (!dev.equals(other)) {
        return Optional.of(
            d
                + " is on another file system than "
                + tmp()
                + ": renames between them are not atomic");
      }
    }
    return Optional.empty();
  }
}
