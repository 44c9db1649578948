package dev.spool.protocol.spool;

import dev.spool.protocol.fs.AtomicFiles;
import dev.spool.protocol.fs.FileOps;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/**
 * One contender of {@link ClaimRaceIT}, run in its own JVM: announces {@code ready-N}, waits for
 * {@code go}, then claims as worker {@code wN} until pending/ is empty, taking the first names in
 * dispatch order a batch at a time like a real worker. Writes the ids it won to {@code
 * claims-N.txt} and its lost races to {@code lost-N.txt}. Exits on its own if its deadline passes
 * or its parent (the test JVM) dies, so a broken run cannot leave it behind.
 *
 * <p>Arguments: spool root, barrier dir, N, batch size, fsync (true/false), deadline seconds, the
 * position in each batch to start claiming from (0: strictly in name order).
 */
final class ClaimRaceChild {
  private final SpoolLayout layout;
  private final TaskMoves moves;
  private final long deadline;
  private final Optional<ProcessHandle> parent = ProcessHandle.current().parent();

  private ClaimRaceChild(SpoolLayout layout, boolean fsync, long deadline) {
    this.layout = layout;
    this.moves = new TaskMoves(layout, new AtomicFiles(FileOps.real(), layout.tmp(), fsync));
    this.deadline = deadline;
  }

  public static void main(String[] args) throws Exception {
    Path barrier = Path.of(args[1]);
    int n = Integer.parseInt(args[2]);
    int batch = Integer.parseInt(args[3]);
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(Long.parseLong(args[5]));
    ClaimRaceChild child =
        new ClaimRaceChild(
            SpoolLayout.open(Path.of(args[0])), Boolean.parseBoolean(args[4]), deadline);
    Files.createFile(barrier.resolve("ready-" + n));
    child.awaitGo(barrier.resolve("go"));
    List<String> won = new ArrayList<>();
    long lost = child.claimAll("w" + n, batch, Integer.parseInt(args[6]), won);
    writeAtomically(barrier, "claims-" + n + ".txt", String.join("\n", won));
    writeAtomically(barrier, "lost-" + n + ".txt", Long.toString(lost));
  }

  private void awaitGo(Path go) {
    while (!Files.exists(go)) {
      checkStillWanted();
      LockSupport.parkNanos(1_000_000L);
    }
  }

  /**
   * Claims until pending/ is empty, trying each batch from position {@code start} on (wrapping);
   * returns the number of lost races.
   */
  private long claimAll(String worker, int batch, int start, List<String> won) throws IOException {
    long lost = 0;
    for (List<TaskName.Pending> next = firstPending(batch);
        !next.isEmpty();
        next = firstPending(batch)) {
      for (int i = 0; i < next.size(); i++) {
        TaskName.Pending p = next.get((start + i) % next.size());
        if (moves.tryClaim(p, worker, 1).isPresent()) {
          won.add(p.id());
        } else {
          lost++;
        }
      }
      checkStillWanted();
    }
    return lost;
  }

  /**
   * The first {@code batch} pending names in dispatch order, which is the order of the raw names
   * (parse accepts only canonical names). Entries only leave pending/ during the race, and readdir
   * returns every entry that stays, so an empty answer means the spool is drained.
   */
  private List<TaskName.Pending> firstPending(int batch) throws IOException {
    List<String> raw = new ArrayList<>();
    try (DirectoryStream<Path> dir = Files.newDirectoryStream(layout.dir(TaskState.PENDING))) {
      for (Path p : dir) {
        raw.add(p.getFileName().toString());
      }
    }
    Collections.sort(raw);
    List<TaskName.Pending> names = new ArrayList<>(batch);
    for (int i = 0; i < raw.size() && names.size() < batch; i++) {
      layout
          .parse(TaskState.PENDING, raw.get(i))
          .ifPresent(name -> names.add((TaskName.Pending) name));
    }
    return names;
  }

  private void checkStillWanted() {
    if (System.nanoTime() - deadline > 0) {
      System.err.println("event=claim_race_child_deadline_passed");
      System.exit(2);
    }
    if (parent.isPresent() && !parent.get().isAlive()) {
      System.exit(3);
    }
  }

  private static void writeAtomically(Path dir, String name, String text) throws IOException {
    Path tmp = dir.resolve("." + name + ".tmp");
    Files.write(tmp, text.getBytes(StandardCharsets.UTF_8));
    Files.move(tmp, dir.resolve(name), StandardCopyOption.ATOMIC_MOVE);
  }
}
