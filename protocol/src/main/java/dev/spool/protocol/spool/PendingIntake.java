package dev.spool.protocol.spool;

import dev.spool.protocol.InvalidInputException;
import dev.spool.protocol.Require;
import dev.spool.protocol.fs.AtomicFiles;
import dev.spool.protocol.fs.SafeFiles;
import dev.spool.protocol.json.SpoolJson;
import dev.spool.protocol.task.Task;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Collection;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.function.LongSupplier;

/**
 * Decides what to do with one entry of {@code pending/}: the function a worker's scanner and the
 * coordinator call for each name they list. Synchronous; it starts no thread and never blocks on an
 * entry (a FIFO is never opened). Rules, in order (PROTOCOL.md, "Intake"):
 *
 * <ol>
 *   <li>A name starting with {@code .} is a write in progress: {@link IntakeResult.Ignored}, left
 *       in place. Reason files never appear in pending/ (quarantine/ holds them).
 *   <li>An unsafe entry (symbolic link, directory, FIFO, socket, device, a file with more than one
 *       hard link, or over {@link SpoolJson#MAX_DOCUMENT_BYTES}) is quarantined without being
 *       opened; a link is moved, never followed.
 *   <li>A name in the pending grammar ({@code RRR~EEEEEEEEEEEEE~ID~A.json}) was published
 *       atomically by rename, so its content is final: it is read at once and is either {@link
 *       IntakeResult.Accepted} or quarantined with the codec's reason, which names the file and the
 *       field (content that is not JSON, an invalid field, an id other than the name's).
 *   <li>Any other name is a file a user dropped by hand ({@code mytask.json}, {@code foo}). Names
 *       with control characters, with the separator {@code ~} (a grammar name gone wrong), or
 *       longer than the longest grammar name ({@value #MAX_HAND_DROPPED_NAME_BYTES} bytes) are
 *       quarantined at once, under a sanitized name with the original escaped in the reason file.
 *   <li>Other hand-dropped files may still be being written. Such a file is not opened until it has
 *       been seen unchanged (size, mtime, ctime, inode) on two looks at least the settle time apart
 *       on the caller's monotonic ticker (default {@link #DEFAULT_SETTLE}); until then the answer
 *       is {@link IntakeResult.Unsettled}. Then it is read: invalid content is quarantined with the
 *       reason; a valid task is renamed, in one atomic rename, to its grammar name by the submit
 *       rules: {@code blocked/ID~1.json} if it has {@code depends_on}, else {@code scheduled/} due
 *       at {@code not_before} if that is in the future, else {@code pending/} (priority from the
 *       task, enqueue time = the clock's now, attempt 1): {@link IntakeResult.Renamed}. Dropping a
 *       file into pending/ is a submit, so it must not skip its dependencies. A file without an
 *       {@code id} is quarantined ({@code field 'id' is required}): an id is the task's identity in
 *       every later name, result and log, so the system never invents one for a file it did not
 *       write. A task whose id already names a terminal task or an attempt-1 result is quarantined
 *       too. A UTF-8 byte order mark is accepted (the codec skips it).
 * </ol>
 *
 * <p>Why a rename and not a rewrite of the hand-dropped file: a worker and the coordinator may both
 * take the same file at once. One rename of the original has exactly one winner (the other sees the
 * source gone: {@link IntakeResult.Vanished}), and a crash leaves the file under its old name or
 * its new one, never both and never neither. Writing a copy and deleting the original could publish
 * the task twice. The renamed file keeps its owner, mode and bytes; its data is fsynced before the
 * rename. A partially written file is never run: a prefix of a JSON object is never a valid object,
 * so the strict codec refuses it even when a writer paused past the settle time.
 *
 * <p>Crash: every step is a single rename (quarantine publishes its reason file first), so a crash
 * at any point leaves each entry in pending/ or in quarantine/; nothing is deleted.
 *
 * <p>Thread-safe. The memory of hand-dropped files seen so far is bounded; call {@link
 * #retainSightings} after a full listing to drop names others took.
 */
public final class PendingIntake {
  /** How long a hand-dropped file must stay unchanged before it is read. */
  public static final Duration DEFAULT_SETTLE = Duration.ofSeconds(2);

  /** The longest pending grammar name: 3 + 1 + 13 + 1 + 128 (id) + 1 + 7 (attempt) + 5. */
  public static final int MAX_HAND_DROPPED_NAME_BYTES = 159;

  /** The latest due time the scheduled/ grammar can write (13 digits of epoch millis). */
  private static final Instant LATEST_DUE = Instant.ofEpochMilli(9_999_999_999_999L);

  private final SpoolLayout layout;
  private final AtomicFiles files;
  private final Clock clock;
  private final LongSupplier nanoTicker;
  private final String detectedBy;
  private final SettleWatch settle;
  private final TaskFiles taskFiles;
  private final Quarantine quarantine;

  /**
   * An intake with the default settle time.
   *
   * @param files the spool's atomic files; its {@link AtomicFiles#ops()} does every rename
   * @param clock wall time for enqueue times and reason files
   * @param nanoTicker the observer's monotonic clock in nanoseconds ({@code System::nanoTime})
   * @param detectedBy who is taking the entries in, written to reason files, e.g. {@code worker w1}
   */
  public PendingIntake(
      SpoolLayout layout,
      AtomicFiles files,
      Clock clock,
      LongSupplier nanoTicker,
      String detectedBy) {
    this(layout, files, clock, nanoTicker, detectedBy, DEFAULT_SETTLE);
  }

  private PendingIntake(
      SpoolLayout layout,
      AtomicFiles files,
      Clock clock,
      LongSupplier nanoTicker,
      String detectedBy,
      Duration settleTime) {
    this.layout = Objects.requireNonNull(layout, "layout");
    this.files = Objects.requireNonNull(files, "files");
    this.clock = Objects.requireNonNull(clock, "clock");
    this.nanoTicker = Objects.requireNonNull(nanoTicker, "nanoTicker");
    this.detectedBy = Objects.requireNonNull(detectedBy, "detectedBy");
    this.settle = new SettleWatch(settleTime, nanoTicker);
    this.taskFiles = new TaskFiles(layout);
    this.quarantine = new Quarantine(layout, files, clock);
  }

  /** The same intake with another settle time (and a fresh memory of hand-dropped files). */
  public PendingIntake withSettleTime(Duration settleTime) {
    return new PendingIntake(layout, files, clock, nanoTicker, detectedBy, settleTime);
  }

  /**
   * Takes in one entry of pending/ by the rules in the class comment.
   *
   * @param entry a path directly inside the spool's {@code pending/}
   * @throws IOException only when the disk or the spool's own directories fail; hostile or broken
   *     entries are results, never exceptions
   */
  public IntakeResult intake(Path entry) throws IOException {
    Path parent = entry.toAbsolutePath().normalize().getParent();
    if (!layout.dir(TaskState.PENDING).equals(parent)) {
      throw new IllegalArgumentException("not an entry of pending/: " + entry);
    }
    String name = entry.getFileName().toString();
    if (name.startsWith(".")) {
      return new IntakeResult.Ignored();
    }
    try {
      return examine(entry, name);
    } catch (NoSuchFileException e) {
      // The entry vanished between list and look: a worker claimed it, or another party's intake
      // renamed or quarantined it first.
      settle.forget(name);
      return new IntakeResult.Vanished();
    }
  }

  /** Forgets hand-dropped files not in {@code presentNames}, the names of a full listing. */
  public void retainSightings(Collection<String> presentNames) {
    settle.retainOnly(presentNames);
  }

  private IntakeResult examine(Path entry, String name) throws IOException {
    Optional<String> unsafe = SafeFiles.unsafeReason(entry, SpoolJson.MAX_DOCUMENT_BYTES);
    if (unsafe.isPresent()) {
      return quarantine(entry, refusal(name, null, unsafe.get()));
    }
    Optional<TaskName> grammar = layout.parse(TaskState.PENDING, name);
    if (grammar.isPresent()) {
      TaskName.Pending pending = (TaskName.Pending) grammar.get();
      try {
        return new IntakeResult.Accepted(pending, read(entry, pending.id()));
      } catch (InvalidInputException e) {
        return quarantine(entry, e.getMessage());
      }
    }
    Optional<String> badName = nameRefusal(name);
    if (badName.isPresent()) {
      return quarantine(entry, refusal(name, null, badName.get()));
    }
    return handDropped(entry, name);
  }

  private IntakeResult handDropped(Path entry, String name) throws IOException {
    SettleWatch.Look before = SettleWatch.Look.of(entry);
    if (!settle.isSettled(name, before)) {
      return new IntakeResult.Unsettled();
    }
    Task task = null;
    InvalidInputException invalid = null;
    try {
      task = read(entry, null);
    } catch (InvalidInputException e) {
      invalid = e;
    }
    SettleWatch.Look after = SettleWatch.Look.of(entry);
    if (!after.equals(before)) {
      settle.isSettled(name, after); // a write arrived while reading: wait for it to settle anew
      return new IntakeResult.Unsettled();
    }
    settle.forget(name);
    if (invalid != null) {
      return quarantine(entry, invalid.getMessage());
    }
    return renameIntoGrammar(entry, name, task);
  }

  private IntakeResult renameIntoGrammar(Path entry, String name, Task task) throws IOException {
    if (task.notBefore() != null && task.notBefore().isAfter(LATEST_DUE)) {
      return quarantine(
          entry,
          refusal(
              name, "not_before", "is after " + LATEST_DUE + ", the latest time a name can carry"));
    }
    TaskName target = submitName(task);
    Path targetPath = layout.path(target);
    Optional<String> clash = idInUse(task.id(), targetPath);
    if (clash.isPresent()) {
      return quarantine(
          entry,
          refusal(
              name,
              "id",
              "is \""
                  + task.id()
                  + "\", which "
                  + clash.get()
                  + " already uses; give the task a new id"));
    }
    forceData(entry);
    files.ops().rename(entry, targetPath);
    files.syncDir(targetPath.getParent());
    return new IntakeResult.Renamed(target);
  }

  /** Where a new task starts (the submit rules); attempt 1. */
  private TaskName submitName(Task task) {
    if (!task.dependsOn().isEmpty()) {
      return new TaskName.Parked(TaskState.BLOCKED, task.id(), 1);
    }
    if (task.notBefore() != null && task.notBefore().isAfter(clock.instant())) {
      return new TaskName.Scheduled(task.notBefore().toEpochMilli(), task.priority(), task.id(), 1);
    }
    return new TaskName.Pending(task.priority(), clock.millis(), task.id(), 1);
  }

  /**
   * A cheap check (a few stats, no listing) that the id is not taken by a finished task or an
   * existing first attempt. Ids of live tasks elsewhere are not checked here.
   */
  private Optional<String> idInUse(String id, Path targetPath) {
    for (Path p :
        List.of(
            layout.terminal(TaskState.DONE, id),
            layout.terminal(TaskState.DEAD, id),
            layout.terminal(TaskState.CANCELLED, id),
            layout.result(id, 1),
            targetPath)) {
      if (files.ops().exists(p)) {
        return Optional.of(layout.relative(p));
      }
    }
    return Optional.empty();
  }

  private Task read(Path entry, String expectedId) throws IOException, InvalidInputException {
    try {
      return taskFiles.read(entry, expectedId);
    } catch (AccessDeniedException e) {
      throw new InvalidInputException(
          layout.relative(entry), null, "cannot be read by this process (permission denied)");
    }
  }

  private IntakeResult quarantine(Path entry, String rawReason) throws IOException {
    String reason = printable(rawReason);
    Path where = quarantine.quarantine(entry, reason, detectedBy);
    return where == null
        ? new IntakeResult.Vanished()
        : new IntakeResult.Quarantined(where, reason);
  }

  /** A reason in the codec's format; the name is quoted short and escaped (it may be hostile). */
  private static String refusal(String name, String field, String reason) {
    String source = "pending/" + Require.quoteShort(name);
    return new InvalidInputException(source, field, reason).getMessage();
  }

  /**
   * The reason with each control character written as a backslash, {@code u} and four hex digits:
   * the codec's messages may quote a value from the file, and callers log the reason, so a terminal
   * escape in a task file must not reach a log or a terminal.
   */
  static String printable(String reason) {
    StringBuilder sb = new StringBuilder(reason.length());
    for (int i = 0; i < reason.length(); i++) {
      char c = reason.charAt(i);
      if (c < 0x20 || c == 0x7f) {
        sb.append(String.format("\\u%04x", (int) c));
      } else {
        sb.append(c);
      }
    }
    return sb.toString();
  }

  /** Why a name outside the grammar is refused outright, or empty if it may be a user's file. */
  static Optional<String> nameRefusal(String name) {
    for (int i = 0; i < name.length(); i++) {
      char c = name.charAt(i);
      if (c < 0x20 || c == 0x7f) {
        return Optional.of("file name contains control characters");
      }
    }
    int bytes = name.getBytes(StandardCharsets.UTF_8).length;
    if (bytes > MAX_HAND_DROPPED_NAME_BYTES) {
      return Optional.of(
          "file name is "
              + bytes
              + " bytes, longer than the grammar allows ("
              + MAX_HAND_DROPPED_NAME_BYTES
              + ")");
    }
    if (name.indexOf('~') >= 0) {
      return Optional.of(
          "file name contains '~' but does not follow the pending/ grammar"
              + " RRR~EEEEEEEEEEEEE~ID~A.json");
    }
    return Optional.empty();
  }

  /** Makes the user's data durable before the rename that publishes it under a grammar name. */
  private static void forceData(Path entry) throws IOException {
    try (FileChannel ch =
        FileChannel.open(entry, StandardOpenOption.READ, LinkOption.NOFOLLOW_LINKS)) {
      ch.force(true);
    }
  }
}
