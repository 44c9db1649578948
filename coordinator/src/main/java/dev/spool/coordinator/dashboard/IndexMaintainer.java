package dev.spool.coordinator.dashboard;

import dev.spool.protocol.InvalidInputException;
import dev.spool.protocol.fs.SafeFiles;
import dev.spool.protocol.json.SpoolJson;
import dev.spool.protocol.result.AttemptResult;
import dev.spool.protocol.spool.SpoolLayout;
import dev.spool.protocol.spool.TaskFiles;
import dev.spool.protocol.spool.TaskName;
import dev.spool.protocol.spool.TaskState;
import dev.spool.protocol.task.Task;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps the {@link TaskIndex} true: a full rescan at start and every {@code rescanEvery}, watch
 * events in between, a background reader that fills in each task's type, labels and last worker,
 * and the counting of new attempt results (every result is handed to the {@link AttemptSink} once;
 * results that existed before the dashboard started are history and are not counted).
 *
 * <p>Result files are found two ways: a create event in results/, and any change of a task's state
 * (an attempt's result is published before its claim leaves claimed/), so a missed event is made
 * good by the next move or rescan. All reading happens on one thread, so a result is never counted
 * twice. Thread-safe.
 */
final class IndexMaintainer implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(IndexMaintainer.class);
  private static final int ENRICH_BATCH = 2_000;

  /** Receives each new attempt result once. */
  interface AttemptSink {
    void attempt(TaskIndex.Info task, AttemptResult result);
  }

  private final SpoolLayout layout;
  private final TaskIndex index;
  private final AttemptSink sink;
  private final TaskFiles taskFiles;
  private final Interner strings = new Interner();
  private final ScheduledExecutorService thread;
  private final AtomicBoolean rescanQueued = new AtomicBoolean();
  private volatile Runnable beforeFirstScan = () -> {};

  IndexMaintainer(SpoolLayout layout, TaskIndex index, AttemptSink sink) {
    this.layout = layout;
    this.index = index;
    this.sink = sink;
    this.taskFiles = new TaskFiles(layout);
    this.thread = Daemons.scheduled("spool-dashboard-index");
  }

  /**
   * Runs the first scan on the index thread and waits for it at most {@code firstScanWithin}, so
   * the first page is complete; then schedules the loops.
   *
   * @throws IOException if the scan failed or did not finish in time (the caller closes this)
   */
  void start(Duration rescanEvery, Duration firstScanWithin) throws IOException {
    Future<?> first =
        thread.submit(
            () -> {
              rescan();
              return null;
            });
    try {
      first.get(firstScanWithin.toMillis(), TimeUnit.MILLISECONDS);
    } catch (TimeoutException e) {
      first.cancel(true);
      throw new IOException(
          "the first index scan did not finish within "
              + firstScanWithin.toMillis()
              + " ms ("
              + index.size()
              + " tasks listed so far); not serving a partial index",
          e);
    } catch (InterruptedException e) {
      first.cancel(true);
      Thread.currentThread().interrupt();
      throw new IOException("interrupted during the first index scan", e);
    } catch (ExecutionException e) {
      Throwable c = e.getCause();
      throw c instanceof IOException ? (IOException) c : new IOException("first index scan", c);
    }
    long every = Math.max(1, rescanEvery.toMillis());
    thread.scheduleWithFixedDelay(
        () -> guarded("rescan", this::rescan), every, every, TimeUnit.MILLISECONDS);
    thread.scheduleWithFixedDelay(
        () -> guarded("enrich", this::enrichSome), 0, 200, TimeUnit.MILLISECONDS);
  }

  /** Runs {@code hook} on the index thread before the first scan lists anything (tests). */
  void beforeFirstScan(Runnable hook) {
    this.beforeFirstScan = hook;
  }

  /** A watch event saw {@code name}; called on the watch thread. */
  void seen(TaskName name) {
    Optional<TaskIndex.Info> changed = index.put(name);
    changed.ifPresent(info -> submit(() -> countResults(info, 0)));
  }

  void gone(TaskName name) {
    index.remove(name);
  }

  /** A file appeared in results/; only {@code ID~A.json} names are attempt results. */
  void resultAppeared(String fileName) {
    if (!fileName.endsWith(".json") || fileName.startsWith(".")) {
      return;
    }
    String[] f = fileName.substring(0, fileName.length() - 5).split("~", -1);
    if (f.length != 2 || f[1].isEmpty() || !f[1].chars().allMatch(Character::isDigit)) {
      return;
    }
    int attempt = Integer.parseInt(f[1]);
    submit(
        () -> {
          Optional<TaskIndex.Info> info = index.get(f[0]);
          if (info.isPresent()) {
            countResults(info.get(), attempt);
          }
        });
  }

  void rescanSoon() {
    if (rescanQueued.compareAndSet(false, true)) {
      submit(
          () -> {
            rescanQueued.set(false);
            rescan();
          });
    }
  }

  private void submit(ThrowingRunnable r) {
    try {
      thread.execute(() -> guarded("index", r));
    } catch (java.util.concurrent.RejectedExecutionException e) {
      // Closing: nothing left to keep current.
    }
  }

  private interface ThrowingRunnable {
    void run() throws IOException;
  }

  private void guarded(String what, ThrowingRunnable r) {
    try {
      r.run();
    } catch (Throwable t) {
      log.warn("index_{}_failed consequence=the next rescan corrects the index", what, t);
    }
  }

  /**
   * Rescans on the index thread and waits (tests): every count happens on that one thread, so a
   * result is never counted twice.
   */
  void rescanOnIndexThread() throws Exception {
    thread
        .submit(
            () -> {
              rescan();
              return null;
            })
        .get();
  }

  private void rescan() throws IOException {
    if (!index.initialScanDone()) {
      beforeFirstScan.run();
    }
    long scan = index.beginScan();
    boolean first = !index.initialScanDone();
    for (TaskState s : TaskState.values()) {
      try (DirectoryStream<Path> dir = Files.newDirectoryStream(layout.dir(s))) {
        for (Path p : dir) {
          Optional<TaskName> name = layout.parse(s, p.getFileName().toString());
          if (name.isPresent()) {
            Optional<TaskIndex.Info> changed = index.put(name.get());
            if (!first && changed.isPresent()) {
              countResults(changed.get(), 0);
            }
          }
        }
      } catch (UncheckedIOException e) {
        throw e.getCause();
      }
    }
    int dropped = index.endScan(scan);
    log.debug("index_rescan tasks={} dropped={}", index.size(), dropped);
  }

  private void enrichSome() {
    for (int n = 0; n < ENRICH_BATCH; n++) {
      TaskIndex.Info info = index.nextToRead();
      if (info == null) {
        return;
      }
      enrich(info);
      if (!info.enriched) {
        index.readLater(info);
      } else if (info.attemptsSeen >= 0) {
        guarded("count", () -> countResults(info, 0));
      }
    }
  }

  /** Reads the task file and the last result once; a task that moves meanwhile is tried later. */
  private void enrich(TaskIndex.Info info) {
    TaskState state = info.state;
    String key = info.key;
    if (state == null || key == null) {
      return;
    }
    String fileName = state.isTerminal() ? key + ".json" : key;
    Optional<TaskName> name = layout.parse(state, fileName);
    if (name.isEmpty()) {
      return;
    }
    try {
      Task t = taskFiles.read(layout.path(name.get()), info.id);
      info.type = strings.intern(t.type());
      info.lane = strings.intern(t.lane());
      info.labels = strings.intern(t.labels());
      info.createdMillis = t.createdAt() == null ? -1 : t.createdAt().toEpochMilli();
      int last = lastAttempt(info.id);
      if (info.attemptsSeen < 0) {
        info.attemptsSeen = last;
      }
      if (info.worker == null && last > 0) {
        readResult(info.id, last).ifPresent(r -> info.worker = strings.intern(r.worker()));
      }
      index.markEnriched(info);
    } catch (NoSuchFileException e) {
      // Moved between the index and the read: the entry is re-read at its new name.
    } catch (InvalidInputException | IOException e) {
      // Not a valid task (intake quarantines it) or unreadable: show it without details.
      index.markEnriched(info);
    }
  }

  /**
   * Counts the results of {@code info} not counted yet. A task from the first scan has no known
   * baseline: {@code appeared} (the attempt whose result just appeared, or 0) sets it.
   */
  private void countResults(TaskIndex.Info info, int appeared) throws IOException {
    if (info.attemptsSeen < 0) {
      if (appeared == 0) {
        return; // enrichment sets the baseline; nothing new is known to have appeared
      }
      info.attemptsSeen = appeared - 1;
    }
    if (!info.enriched) {
      enrich(info);
      if (!info.enriched) {
        // The task moved under the read: its next move, or the background reader once it has
        // read the task at its new name, counts the results with the right type.
        return;
      }
    }
    for (int a = info.attemptsSeen + 1; ; a++) {
      Optional<AttemptResult> r = readResult(info.id, a);
      if (r.isEmpty()) {
        return;
      }
      info.attemptsSeen = a;
      if (r.get().worker() != null) {
        info.worker = strings.intern(r.get().worker());
      }
      sink.attempt(info, r.get());
    }
  }

  private int lastAttempt(String id) {
    int a = 0;
    while (Files.exists(layout.result(id, a + 1), LinkOption.NOFOLLOW_LINKS)) {
      a++;
    }
    return a;
  }

  private Optional<AttemptResult> readResult(String id, int attempt) throws IOException {
    Path p = layout.result(id, attempt);
    try {
      if (SafeFiles.unsafeReason(p, SpoolJson.MAX_DOCUMENT_BYTES).isPresent()) {
        return Optional.empty();
      }
      return Optional.of(
          SpoolJson.read(
              layout.relative(p),
              SafeFiles.readBounded(p, SpoolJson.MAX_DOCUMENT_BYTES),
              AttemptResult.class));
    } catch (NoSuchFileException e) {
      return Optional.empty();
    } catch (InvalidInputException e) {
      log.warn("result_unreadable file={} reason={}", layout.relative(p), e.getMessage());
      return Optional.empty();
    }
  }

  @Override
  public void close() {
    thread.shutdownNow();
  }
}
