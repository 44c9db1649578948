package dev.spool.coordinator.fsck;

import dev.spool.coordinator.submit.IdempotencyRecord;
import dev.spool.coordinator.view.SpoolSnapshot;
import dev.spool.coordinator.view.WorkerView;
import dev.spool.coordinator.wal.WalCheck;
import dev.spool.coordinator.wal.WalCorruptException;
import dev.spool.protocol.InvalidInputException;
import dev.spool.protocol.fs.AtomicFiles;
import dev.spool.protocol.fs.FileSystemClock;
import dev.spool.protocol.fs.SafeFiles;
import dev.spool.protocol.heartbeat.Heartbeat;
import dev.spool.protocol.json.SpoolJson;
import dev.spool.protocol.spool.Quarantine;
import dev.spool.protocol.spool.SpoolLayout;
import dev.spool.protocol.spool.TaskName;
import dev.spool.protocol.spool.TaskState;
import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Checks the invariants of PROTOCOL.md over a whole spool and, with repair on, fixes what is safe
 * to fix without a coordinator's judgement: stale temp files are removed (they are staging copies
 * nobody published), and files that break the name grammar are quarantined with a reason. Problems
 * that need a decision (claims of dead workers, a task in two states, results without a task) are
 * reported with what to do. Costs one listing of every directory; not for a hot path.
 */
public final class SpoolChecker {
  /** A temp file older than this is debris from a crashed writer. */
  public static final Duration STALE_TEMP = Duration.ofMinutes(15);

  /** A heartbeat older than this (on the file system's clock) means its worker is gone. */
  public static final Duration DEAD_AFTER = Duration.ofSeconds(15);

  private final SpoolLayout layout;
  private final AtomicFiles files;
  private final Clock clock;

  public SpoolChecker(SpoolLayout layout, AtomicFiles files, Clock clock) {
    this.layout = layout;
    this.files = files;
    this.clock = clock;
  }

  /** Runs every check; repairs the safe ones when {@code repair}. */
  public List<Finding> check(boolean repair) throws IOException {
    long now = FileSystemClock.nowMillis(layout.tmp());
    List<Finding> out = new ArrayList<>();
    staleTemps(now, repair, out);
    Map<String, List<TaskName>> tasks = taskFiles(repair, out);
    duplicates(tasks, out);
    deadClaims(tasks, now, out);
    orphanResults(tasks, out);
    wal(out);
    orphanReservations(tasks, out);
    return out;
  }

  private void wal(List<Finding> out) throws IOException {
    for (WalCorruptException e : WalCheck.corruptFiles(layout)) {
      out.add(
          new Finding(
              "wal_corrupt",
              e.file(),
              "a damaged record at byte "
                  + e.offset()
                  + " ("
                  + e.reason()
                  + "); the coordinator refuses to start. Keep a copy, then move this file out of"
                  + " wal/: open decisions are re-made from the spool's state (a lost attempt whose"
                  + " result was published is applied, failed tasks are retried again)",
              false));
    }
  }

  private void orphanReservations(Map<String, List<TaskName>> tasks, List<Finding> out)
      throws IOException {
    Path dir = layout.idempotencyDir();
    if (!Files.isDirectory(dir)) {
      return;
    }
    try (DirectoryStream<Path> ds = Files.newDirectoryStream(dir, "*.json")) {
      for (Path p : ds) {
        try {
          IdempotencyRecord r =
              SpoolJson.read(
                  layout.relative(p),
                  SafeFiles.readBounded(p, SpoolJson.MAX_DOCUMENT_BYTES),
                  IdempotencyRecord.class);
          if (!tasks.containsKey(r.taskId())) {
            out.add(
                new Finding(
                    "reservation_without_task",
                    p,
                    "idempotency key reserved for task "
                        + r.taskId()
                        + ", which is in no state (a submit crashed in between, or the task was purged); the next submit with this key publishes it",
                    false));
          }
        } catch (NoSuchFileException | InvalidInputException e) {
          out.add(
              new Finding(
                  "reservation_unreadable",
                  p,
                  "not a reservation record: " + e.getMessage(),
                  false));
        }
      }
    }
  }

  private void staleTemps(long now, boolean repair, List<Finding> out) throws IOException {
    try (DirectoryStream<Path> dir = Files.newDirectoryStream(layout.tmp())) {
      for (Path p : dir) {
        long age = now - mtime(p);
        if (age > STALE_TEMP.toMillis()) {
          boolean fixed = repair && files.ops().deleteIfExists(p);
          out.add(
              new Finding(
                  "stale_temp_file",
                  p,
                  "temp file "
                      + age / 1000
                      + " s old: debris of a crashed writer, never published; safe to delete",
                  fixed));
        }
      }
    }
  }

  /** Every task file by id; names outside the grammar (outside pending/) are findings. */
  private Map<String, List<TaskName>> taskFiles(boolean repair, List<Finding> out)
      throws IOException {
    Map<String, List<TaskName>> byId = new HashMap<>();
    Quarantine quarantine = new Quarantine(layout, files, clock);
    for (TaskState s : TaskState.values()) {
      try (DirectoryStream<Path> dir = Files.newDirectoryStream(layout.dir(s))) {
        for (Path p : dir) {
          String name = p.getFileName().toString();
          Optional<TaskName> n = layout.parse(s, name);
          if (n.isPresent()) {
            byId.computeIfAbsent(n.get().id(), k -> new ArrayList<>(1)).add(n.get());
          } else if (s != TaskState.PENDING && !name.startsWith(".")) {
            String reason =
                "name outside the grammar of " + s.code() + "/ (PROTOCOL.md, file names)";
            boolean fixed = repair && quarantine.quarantine(p, reason, "spool fsck") != null;
            out.add(
                new Finding(
                    "unknown_file",
                    p,
                    reason + (fixed ? "; quarantined" : "; --repair quarantines it"),
                    fixed));
          }
        }
      }
    }
    return byId;
  }

  private void duplicates(Map<String, List<TaskName>> tasks, List<Finding> out) {
    for (Map.Entry<String, List<TaskName>> e : tasks.entrySet()) {
      if (e.getValue().size() > 1) {
        StringBuilder where = new StringBuilder();
        for (TaskName n : e.getValue()) {
          where.append(' ').append(n.state().code()).append('/').append(n.fileName());
        }
        out.add(
            new Finding(
                "task_in_two_states",
                layout.path(e.getValue().get(0)),
                "task "
                    + e.getKey()
                    + " has files in more than one state:"
                    + where
                    + "; keep the one its results explain and quarantine the other by hand",
                false));
      }
    }
  }

  private void deadClaims(Map<String, List<TaskName>> tasks, long now, List<Finding> out)
      throws IOException {
    Map<String, Long> ages = heartbeatAges(now);
    for (List<TaskName> names : tasks.values()) {
      for (TaskName n : names) {
        if (n instanceof TaskName.Claimed) {
          TaskName.Claimed c = (TaskName.Claimed) n;
          Long age = ages.get(c.worker() + "~" + c.incarnation());
          if (age == null || age > DEAD_AFTER.toMillis()) {
            String why =
                age == null
                    ? "no heartbeat of worker " + c.worker() + " incarnation " + c.incarnation()
                    : "worker " + c.worker() + " last beat " + age / 1000 + " s ago";
            out.add(
                new Finding(
                    "claim_of_dead_worker",
                    layout.path(c),
                    why
                        + "; a running coordinator requeues it (or: spool requeue --worker "
                        + c.worker()
                        + ")",
                    false));
          }
        }
      }
    }
  }

  private void orphanResults(Map<String, List<TaskName>> tasks, List<Finding> out)
      throws IOException {
    Set<String> reported = new HashSet<>();
    try (DirectoryStream<Path> dir = Files.newDirectoryStream(layout.results())) {
      for (Path p : dir) {
        String name = p.getFileName().toString();
        int tilde = name.indexOf('~');
        if (tilde <= 0 || name.startsWith(".")) {
          continue;
        }
        String id = name.substring(0, tilde);
        if (!tasks.containsKey(id) && reported.add(id)) {
          out.add(
              new Finding(
                  "result_without_task",
                  p,
                  "results of task "
                      + id
                      + " but no task file in any state (purged by hand?); spool purge removes such records",
                  false));
        }
      }
    }
  }

  /** Heartbeat age per worker~incarnation, on the file system's clock. */
  private Map<String, Long> heartbeatAges(long now) throws IOException {
    Map<String, Long> ages = new HashMap<>();
    for (WorkerView w : SpoolSnapshot.workers(layout)) {
      Heartbeat hb = w.heartbeat();
      ages.put(
          hb.workerId() + "~" + hb.incarnation(),
          hb.stopped() ? Long.MAX_VALUE : w.heartbeatAgeMillis());
    }
    return ages;
  }

  private static long mtime(Path p) throws IOException {
    return FileSystemClock.mtimeMillis(p);
  }
}
