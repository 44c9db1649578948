package dev.spool.coordinator.submit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.spool.coordinator.deps.SpoolTaskIds;
import dev.spool.protocol.fs.AtomicFiles;
import dev.spool.protocol.fs.FileOps;
import dev.spool.protocol.fs.ForwardingFileOps;
import dev.spool.protocol.spool.SpoolLayout;
import dev.spool.protocol.spool.TaskFiles;
import dev.spool.protocol.spool.TaskState;
import dev.spool.protocol.task.Dependency;
import dev.spool.protocol.task.Task;
import dev.spool.protocol.testing.FaultyFileOps;
import dev.spool.protocol.testing.FaultyFileOps.Op;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

@Timeout(60)
class BatchSubmitTest {
  private static final Instant T = Instant.parse("2026-11-21T10:00:00Z");
  private static final Clock CLOCK = Clock.fixed(T, ZoneOffset.UTC);
  private static final int N = 60;

  @TempDir Path root;

  /** The process dies at the {@code at}-th rename: that call and every later file call fail. */
  static final class CrashAtRename extends ForwardingFileOps {
    private final int at;
    private final AtomicInteger renames = new AtomicInteger();
    private final AtomicBoolean dead = new AtomicBoolean();

    CrashAtRename(int at) {
      super(FileOps.real());
      this.at = at;
    }

    private void alive() {
      if (dead.get()) {
        throw new Crash();
      }
    }

    @Override
    public void rename(Path source, Path target) throws IOException {
      alive();
      if (renames.incrementAndGet() == at) {
        dead.set(true);
        throw new Crash();
      }
      super.rename(source, target);
    }

    @Override
    public void writeNew(Path file, byte[] data, boolean fsync) throws IOException {
      alive();
      super.writeNew(file, data, fsync);
    }

    @Override
    public void fsyncDirectory(Path dir) throws IOException {
      alive();
      super.fsyncDirectory(dir);
    }

    @Override
    public boolean deleteIfExists(Path file) throws IOException {
      alive();
      return super.deleteIfExists(file);
    }
  }

  static final class Crash extends RuntimeException {
    private static final long serialVersionUID = 1L;

    Crash() {
      super("injected crash");
    }
  }

  /** A batch of N keyed tasks: mostly pending, some scheduled, some blocked on the first. */
  private static List<Task> batch(String idPrefix) {
    List<Task> out = new ArrayList<>();
    for (int i = 0; i < N; i++) {
      var b =
          Task.builder(idPrefix + i).createdAt(T).argv(List.of("true")).idempotencyKey("b/#" + i);
      if (i % 10 == 3) {
        b.notBefore(T.plusSeconds(3600));
      }
      if (i % 10 == 7) {
        b.dependsOn(Dependency.parse(idPrefix + "0"));
      }
      out.add(b.build());
    }
    return out;
  }

  private List<Path> visibleTasks(SpoolLayout layout) throws IOException {
    List<Path> out = new ArrayList<>();
    for (TaskState s : List.of(TaskState.PENDING, TaskState.SCHEDULED, TaskState.BLOCKED)) {
      try (Stream<Path> entries = Files.list(layout.dir(s))) {
        entries.forEach(out::add);
      }
    }
    return out;
  }

  private static List<Path> list(Path dir) throws IOException {
    try (Stream<Path> entries = Files.list(dir)) {
      return entries.toList();
    }
  }

  @Test
  void aCrashMidBatchShowsOnlyWholeTasksAndARerunCompletesTheBatch() throws Exception {
    SpoolLayout layout = SpoolLayout.create(root, T);
    CrashAtRename ops = new CrashAtRename(25);
    Submitter crashing = new Submitter(layout, new AtomicFiles(ops, layout.tmp(), true), CLOCK);
    assertThrows(Crash.class, () -> crashing.submitAll(batch("a"), id -> false));

    List<Path> visible = visibleTasks(layout);
    assertEquals(24, visible.size(), "the renames before the crash, no more");
    TaskFiles reader = new TaskFiles(layout);
    Set<String> ids = new HashSet<>();
    for (Path p : visible) {
      String id = layout.parse(stateOf(layout, p), p.getFileName().toString()).get().id();
      assertEquals(id, reader.read(p, id).id(), "a visible task is whole: " + p);
      ids.add(id);
    }
    List<Path> leftovers = list(layout.tmp());
    assertEquals(N - 24, leftovers.size(), "the tasks not renamed stay staged: " + leftovers);
    assertTrue(leftovers.stream().allMatch(p -> p.getFileName().toString().startsWith(".")));

    // The rerun generates new ids (as a rerun of a batch without ids does); the keys decide.
    Submitter again =
        new Submitter(layout, new AtomicFiles(FileOps.real(), layout.tmp(), true), CLOCK);
    List<SubmitResult> results = again.submitAll(batch("z"), SpoolTaskIds.existsIn(layout));
    long existing = results.stream().filter(r -> r instanceof SubmitResult.Existing).count();
    assertEquals(24, existing);
    Set<String> all = new HashSet<>();
    for (Path p : visibleTasks(layout)) {
      all.add(layout.parse(stateOf(layout, p), p.getFileName().toString()).get().id());
    }
    Set<String> expected = new HashSet<>();
    for (int i = 0; i < N; i++) {
      expected.add("a" + i);
    }
    assertEquals(expected, all, "every task of the batch exactly once, under its first id");
    assertEquals(N, visibleTasks(layout).size());
    assertTrue(all.containsAll(ids));
  }

  @Test
  void aCrashWhileStagingPublishesNothing() throws Exception {
    SpoolLayout layout = SpoolLayout.create(root, T);
    FaultyFileOps ops = FaultyFileOps.over(FileOps.real()).failNth(Op.FSYNC_FILE, 40).build();
    Submitter s = new Submitter(layout, new AtomicFiles(ops, layout.tmp(), true), CLOCK);
    List<Task> tasks = new ArrayList<>();
    for (int i = 0; i < N; i++) {
      tasks.add(Task.builder("s" + i).createdAt(T).argv(List.of("true")).build());
    }
    assertThrows(IOException.class, () -> s.submitAll(tasks, id -> false));
    assertEquals(List.of(), visibleTasks(layout), "no rename before every file is durable");
    assertEquals(List.of(), list(layout.tmp()), "a failed batch removes its temp files");
    assertEquals(0, ops.calls(Op.RENAME));
  }

  /** Records file calls in order, to check what the batch fsyncs and when. */
  static final class Recording extends ForwardingFileOps {
    final List<String> events = Collections.synchronizedList(new ArrayList<>());

    Recording() {
      super(FileOps.real());
    }

    @Override
    public void writeNew(Path file, byte[] data, boolean fsync) throws IOException {
      super.writeNew(file, data, fsync);
      events.add((fsync ? "write+fsync " : "write ") + file.getParent().getFileName());
    }

    @Override
    public void rename(Path source, Path target) throws IOException {
      super.rename(source, target);
      events.add("rename " + target.getParent().getFileName());
    }

    @Override
    public void fsyncDirectory(Path dir) throws IOException {
      super.fsyncDirectory(dir);
      events.add("fsync-dir " + dir.getFileName());
    }
  }

  @Test
  void theBatchFsyncsEveryFileBeforeRenamingAndEachEntryDirectoryOnceAfter() throws Exception {
    SpoolLayout layout = SpoolLayout.create(root, T);
    Recording ops = new Recording();
    Submitter s = new Submitter(layout, new AtomicFiles(ops, layout.tmp(), true), CLOCK);
    List<Task> tasks =
        batch("f").stream().map(t -> t.toBuilder().idempotencyKey(null).build()).toList();
    s.submitAll(tasks, id -> false);

    List<String> e = List.copyOf(ops.events);
    assertEquals(N, e.stream().filter("write+fsync tmp"::equals).count());
    assertEquals(0, e.stream().filter("write tmp"::equals).count(), "no unsynced staging");
    int firstRename = e.indexOf(e.stream().filter(x -> x.startsWith("rename")).findFirst().get());
    assertTrue(
        e.subList(firstRename, e.size()).stream().noneMatch(x -> x.startsWith("write")),
        "every temp file is durable before the first rename: " + e);
    List<String> dirSyncs = e.stream().filter(x -> x.startsWith("fsync-dir")).toList();
    assertEquals(
        Set.of("fsync-dir pending", "fsync-dir scheduled", "fsync-dir blocked"),
        new HashSet<>(dirSyncs));
    assertEquals(3, dirSyncs.size(), "one fsync per entry directory: " + dirSyncs);
    for (String dir : List.of("pending", "scheduled", "blocked")) {
      assertTrue(
          e.lastIndexOf("rename " + dir) < e.indexOf("fsync-dir " + dir),
          dir + "/ is fsynced after its last rename");
    }
    assertEquals(N, visibleTasks(layout).size());
    assertTrue(
        e.lastIndexOf("rename pending") < e.indexOf("rename blocked"),
        "blocked tasks are renamed after those they may depend on");
  }

  /**
   * Checks each file on its own: a rename's source must be a temp file this batch wrote and
   * fsynced, and every directory that received a rename must be fsynced after its last rename.
   */
  static final class PerFileDurability extends ForwardingFileOps {
    final Set<Path> durableTemps = java.util.concurrent.ConcurrentHashMap.newKeySet();
    final List<String> violations = Collections.synchronizedList(new ArrayList<>());
    final java.util.Map<Path, Integer> renamesSinceSync =
        new java.util.concurrent.ConcurrentHashMap<>();
    final AtomicInteger renamed = new AtomicInteger();

    PerFileDurability() {
      super(FileOps.real());
    }

    @Override
    public void writeNew(Path file, byte[] data, boolean fsync) throws IOException {
      super.writeNew(file, data, fsync);
      if (fsync) {
        durableTemps.add(file);
      }
    }

    @Override
    public void rename(Path source, Path target) throws IOException {
      if (!durableTemps.remove(source)) {
        violations.add("renamed without a prior fsync: " + source + " -> " + target);
      }
      super.rename(source, target);
      renamed.incrementAndGet();
      renamesSinceSync.merge(target.getParent(), 1, Integer::sum);
    }

    @Override
    public void fsyncDirectory(Path dir) throws IOException {
      super.fsyncDirectory(dir);
      renamesSinceSync.remove(dir);
    }
  }

  @Test
  void everyTaskIsFsyncedBeforeItsRenameAndEveryDirectoryBeforeSubmitAllReturns() throws Exception {
    SpoolLayout layout = SpoolLayout.create(root, T);
    PerFileDurability ops = new PerFileDurability();
    Submitter s = new Submitter(layout, new AtomicFiles(ops, layout.tmp(), true), CLOCK);

    List<SubmitResult> results = s.submitAll(batch("d"), SpoolTaskIds.existsIn(layout, N));

    // What submitAll's caller sees as success: by now nothing may be left unsynced.
    assertEquals(List.of(), ops.violations);
    assertEquals(java.util.Map.of(), ops.renamesSinceSync, "directories renamed into, not fsynced");
    assertEquals(N, ops.renamed.get());
    assertEquals(N, results.size());
    assertEquals(N, visibleTasks(layout).size());
  }

  private static TaskState stateOf(SpoolLayout layout, Path p) {
    for (TaskState s : TaskState.values()) {
      if (layout.dir(s).equals(p.getParent())) {
        return s;
      }
    }
    throw new IllegalArgumentException(p.toString());
  }
}
