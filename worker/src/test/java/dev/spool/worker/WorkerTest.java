package dev.spool.worker;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.spool.protocol.control.ControlRequest;
import dev.spool.protocol.heartbeat.Heartbeat;
import dev.spool.protocol.json.SpoolJson;
import dev.spool.protocol.result.Outcome;
import dev.spool.protocol.spool.TaskState;
import dev.spool.protocol.task.Task;
import dev.spool.protocol.testing.Await;
import dev.spool.worker.config.WorkerConfig;
import dev.spool.worker.testing.Scripts;
import dev.spool.worker.testing.TestSpool;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** A real worker on a real temporary spool, in-process. */
@Timeout(90)
class WorkerTest {
  private static final Duration WAIT = Duration.ofSeconds(30);

  @TempDir Path dir;
  private TestSpool spool;
  private Path exitWith;
  private Path sleeper;
  private final List<Worker> workers = new ArrayList<>();

  @BeforeEach
  void setUp() throws Exception {
    spool = new TestSpool(dir.resolve("spool"));
    exitWith =
        Scripts.write(
            dir, "exit.sh", "echo \"task $SPOOL_TASK_ID attempt $SPOOL_ATTEMPT\"; exit $1");
    sleeper =
        Scripts.write(
            dir, "sleep.sh", "echo running; trap '' TERM; while true; do sleep 0.1; done");
  }

  @AfterEach
  void tearDown() {
    workers.forEach(Worker::close);
  }

  private WorkerConfig.Builder config(String id) {
    return WorkerConfig.builder(spool.layout.root())
        .workerId(id)
        .slots(4)
        .allowArgv(true)
        .heartbeatInterval(Duration.ofMillis(200))
        .rescanInterval(Duration.ofMillis(200))
        .killGrace(Duration.ofMillis(300))
        .drainTimeout(Duration.ofMillis(300))
        .livenessCheck(Duration.ofMillis(700))
        .scratchDir(dir.resolve("scratch-" + id));
  }

  private Worker start(WorkerConfig config) throws StartupException {
    return start(config, dev.spool.protocol.fs.FileOps.real());
  }

  private Worker start(WorkerConfig config, dev.spool.protocol.fs.FileOps ops)
      throws StartupException {
    Worker w = new Worker(config, Clock.systemUTC(), System::nanoTime, System.getenv(), ops);
    workers.add(w);
    w.start();
    return w;
  }

  private static Task argv(String id, String... argv) {
    return Task.ofArgv(id, Instant.now(), List.of(argv));
  }

  @Test
  void runsFiftyTasksToDoneOrFailedWithOneResultEach() throws Exception {
    for (int i = 0; i < 50; i++) {
      spool.submit(argv("t" + i, exitWith.toString(), i % 3 == 0 ? "4" : "0"));
    }
    start(config("w1").build());
    Await.until(
        WAIT,
        "50 tasks finished",
        () -> spool.count(TaskState.DONE) + spool.count(TaskState.FAILED) == 50);
    assertEquals(17, spool.count(TaskState.FAILED));
    assertEquals(33, spool.count(TaskState.DONE));
    assertEquals(0, spool.count(TaskState.CLAIMED));
    assertEquals(0, spool.count(TaskState.PENDING));
    for (int i = 0; i < 50; i++) {
      String id = "t" + i;
      assertEquals(List.of(id + "~1.json"), spool.resultsOf(id));
      Outcome o = spool.result(id, 1).outcome();
      assertEquals(i % 3 == 0 ? new Outcome.Failed(4, null) : new Outcome.Succeeded(), o);
      assertEquals("task " + id + " attempt 1\n", Files.readString(spool.layout.stdoutLog(id, 1)));
    }
    assertTrue(spool.names(TaskState.FAILED).contains("t0~1.json"));
    Await.until(
        WAIT,
        "the heartbeat counts what finished and the claims",
        () -> {
          try {
            Heartbeat hb = spool.heartbeat("w1");
            // One worker alone wins every claim rename it tries.
            return hb.succeededTotal() == 33
                && hb.failedTotal() == 17
                && hb.claimsTotal() == 50
                && hb.claimsLostTotal() == 0;
          } catch (java.io.IOException | dev.spool.protocol.InvalidInputException e) {
            return false; // replaced between list and read: look again
          }
        });
  }

  @Test
  void runsTypesThroughTemplatesAndQuarantinesRefusedOrInvalidTasks() throws Exception {
    Path printer = Scripts.write(dir, "print.sh", "printf '[%s]' \"$@\"");
    com.fasterxml.jackson.databind.node.ObjectNode input =
        com.fasterxml.jackson.databind.node.JsonNodeFactory.instance
            .objectNode()
            .put("text", "a; $(b)");
    spool.submit(Task.builder("typed").createdAt(Instant.now()).type("print").input(input).build());
    spool.submit(argv("raw", "/bin/true"));
    Files.writeString(
        spool.layout.dir(TaskState.PENDING).resolve("500~0000000000001~bad~1.json"), "{not json");
    start(
        config("w1")
            .allowArgv(false)
            .type(
                "print",
                new dev.spool.worker.config.TypeTemplate(
                    List.of(printer.toString(), "{input.text}"), null))
            .build());
    Await.until(WAIT, "typed done", () -> spool.exists(TaskState.DONE, "typed"));
    assertEquals("[a; $(b)]", Files.readString(spool.layout.stdoutLog("typed", 1)));
    Await.until(
        WAIT, "two entries and their reasons in quarantine", () -> quarantined().size() == 4);
    String reasons = String.join("\n", quarantined());
    assertTrue(reasons.contains("raw_1_w1_1.json"), reasons);
    assertTrue(reasons.contains("bad_1_w1_1.json"), reasons);
    String all = "";
    for (String n : quarantined()) {
      if (n.endsWith(".reason")) {
        all += Files.readString(spool.layout.quarantine().resolve(n));
      }
    }
    assertTrue(all.contains("allow_argv is false"), all);
    assertEquals(0, spool.count(TaskState.PENDING));
    assertEquals(0, spool.count(TaskState.CLAIMED));
  }

  private List<String> quarantined() {
    try (var s = Files.list(spool.layout.quarantine())) {
      return s.map(p -> p.getFileName().toString()).toList();
    } catch (java.io.IOException e) {
      throw new IllegalStateException(e);
    }
  }

  @Test
  void cancelStopsARunningTaskAndRecordsCancelled() throws Exception {
    spool.submit(argv("c1", sleeper.toString()));
    Worker w = start(config("w1").build());
    Await.until(WAIT, "running with output", () -> runningOutput("w1") > 0);
    ControlRequest.Cancel cancel =
        new ControlRequest.Cancel(null, "c1", Instant.now(), "test", "no longer needed");
    spool.files.publishIfAbsent(spool.layout.cancelRequest("c1"), SpoolJson.write(cancel));
    long t0 = System.nanoTime();
    Await.until(WAIT, "cancelled", () -> spool.exists(TaskState.CANCELLED, "c1"));
    assertTrue(Duration.ofNanos(System.nanoTime() - t0).compareTo(Duration.ofSeconds(2)) < 0);
    assertEquals(Outcome.Kind.CANCELLED, spool.result("c1", 1).outcome().kind());
    assertTrue(Files.exists(spool.layout.endNote("c1")));
    Await.until(
        WAIT, "cancel request removed", () -> !Files.exists(spool.layout.cancelRequest("c1")));
    assertEquals(0, w.runningCount());
  }

  private long runningOutput(String worker) {
    try {
      Heartbeat hb = spool.heartbeat(worker);
      return hb.running().isEmpty() ? 0 : hb.running().get(0).outputBytes();
    } catch (Exception e) {
      return 0;
    }
  }

  @Test
  void closeHandsBackRunningTasksAndWritesAStoppedHeartbeat() throws Exception {
    spool.submit(
        Task.builder("h1")
            .createdAt(Instant.now())
            .priority(700)
            .argv(List.of(sleeper.toString()))
            .build());
    Worker w = start(config("w1").build());
    Await.until(WAIT, "running", () -> w.runningCount() == 1 && runningOutput("w1") > 0);
    long t0 = System.nanoTime();
    w.close();
    Duration took = Duration.ofNanos(System.nanoTime() - t0);
    assertTrue(took.compareTo(Duration.ofSeconds(4)) < 0, took.toString());
    assertEquals(Outcome.Kind.HANDED_BACK, spool.result("h1", 1).outcome().kind());
    List<String> pending = spool.names(TaskState.PENDING);
    assertEquals(1, pending.size());
    assertTrue(
        pending.get(0).startsWith("299~") && pending.get(0).endsWith("~h1~2.json"),
        pending.toString());
    Heartbeat hb = spool.heartbeat("w1");
    assertTrue(hb.stopped());
    assertEquals(0, spool.count(TaskState.CLAIMED));
  }

  @Test
  void aDrainRequestStopsClaiming() throws Exception {
    Worker w = start(config("w1").build());
    ControlRequest.Drain drain = new ControlRequest.Drain(null, "w1", Instant.now(), "test");
    spool.files.publishIfAbsent(spool.layout.drainRequest("w1"), SpoolJson.write(drain));
    Await.until(WAIT, "draining heartbeat", () -> heartbeatDraining("w1"));
    assertFalse(Files.exists(spool.layout.drainRequest("w1")));
    spool.submit(argv("late", exitWith.toString(), "0"));
    long seq = w.heartbeatSeq();
    // Three heartbeats span more than a rescan interval: the dispatcher has seen the task.
    Await.until(WAIT, "three more heartbeats", () -> w.heartbeatSeq() >= seq + 3);
    assertEquals(1, spool.count(TaskState.PENDING));
  }

  private boolean heartbeatDraining(String worker) {
    try {
      return spool.heartbeat(worker).draining();
    } catch (Exception e) {
      return false;
    }
  }

  @Test
  void aRestartedWorkerHandsBackItsDeadPredecessorsClaimsAtOnce() throws Exception {
    Process gone = new ProcessBuilder("/bin/true").start();
    gone.waitFor();
    Heartbeat old =
        new Heartbeat(
            null,
            "w1",
            3L,
            dev.spool.worker.config.HostNames.hostName(),
            gone.pid(),
            "0",
            Instant.now(),
            7L,
            Instant.now(),
            1,
            4,
            null,
            null,
            null,
            false,
            false,
            null,
            null,
            null,
            null,
            null,
            null,
            null,
            null,
            null);
    spool.files.replace(spool.layout.heartbeat("w1"), SpoolJson.write(old));
    Task a = argv("a", exitWith.toString(), "0");
    Task b = argv("b", exitWith.toString(), "0");
    Files.write(spool.layout.dir(TaskState.CLAIMED).resolve("a~1~w1~3.json"), SpoolJson.write(a));
    Files.write(spool.layout.dir(TaskState.CLAIMED).resolve("b~2~w1~3.json"), SpoolJson.write(b));
    spool.files.publishIfAbsent(
        spool.layout.result("b", 2),
        SpoolJson.write(
            new dev.spool.protocol.result.AttemptResult(
                null,
                "b",
                2,
                "w1",
                3L,
                "h",
                null,
                Instant.now(),
                null,
                new Outcome.Succeeded(),
                null,
                null,
                null,
                null,
                null,
                null,
                null,
                null,
                null)));
    Worker w = start(config("w1").build());
    assertEquals(4, w.incarnation());
    assertTrue(spool.exists(TaskState.DONE, "b"), "b's published result was applied");
    assertEquals(Outcome.Kind.LOST, spool.result("a", 1).outcome().kind());
    Await.until(WAIT, "a rerun and done", () -> spool.exists(TaskState.DONE, "a"));
    assertEquals(Outcome.Kind.SUCCEEDED, spool.result("a", 2).outcome().kind());
    assertEquals(0, spool.count(TaskState.CLAIMED));
  }

  @Test
  void refusesToStartWhenTheSpoolIsMissingOrTheIdIsAlive() throws Exception {
    StartupException missing =
        org.junit.jupiter.api.Assertions.assertThrows(
            StartupException.class,
            () -> new Worker(config("w9").spool(dir.resolve("nowhere")).build()).start());
    assertTrue(missing.getMessage().contains("spool.json"), missing.getMessage());

    start(config("w1").build());
    StartupException twin =
        org.junit.jupiter.api.Assertions.assertThrows(
            StartupException.class, () -> start(config("w1").build()));
    assertTrue(twin.getMessage().contains("is alive"), twin.getMessage());

    Process live = new ProcessBuilder("sleep", "30").start();
    try {
      Heartbeat other =
          new Heartbeat(
              null,
              "w2",
              1L,
              dev.spool.worker.config.HostNames.hostName(),
              live.pid(),
              "0",
              Instant.now(),
              1L,
              Instant.now(),
              0,
              1,
              null,
              null,
              null,
              false,
              false,
              null,
              null,
              null,
              null,
              null,
              null,
              null,
              null,
              null);
      spool.files.replace(spool.layout.heartbeat("w2"), SpoolJson.write(other));
      StartupException sameHost =
          org.junit.jupiter.api.Assertions.assertThrows(
              StartupException.class, () -> start(config("w2").build()));
      assertTrue(sameHost.getMessage().contains("pid " + live.pid()), sameHost.getMessage());
    } finally {
      live.destroyForcibly();
    }
  }

  @Test
  void watchEventsClaimWithoutWaitingForARescan() throws Exception {
    Worker w = start(config("w1").rescanInterval(Duration.ofSeconds(60)).build());
    long seq = w.heartbeatSeq();
    Await.until(WAIT, "started", () -> w.heartbeatSeq() > seq);
    spool.submit(argv("fast", exitWith.toString(), "0"));
    Await.until(
        Duration.ofSeconds(20),
        "claimed through a watch event",
        () -> spool.exists(TaskState.DONE, "fast"));
  }

  @Test
  void rescansAloneFindTasksWhenWatchingIsOff() throws Exception {
    start(config("w1").watch(false).build());
    spool.submit(argv("polled", exitWith.toString(), "0"));
    Await.until(WAIT, "claimed through a rescan", () -> spool.exists(TaskState.DONE, "polled"));
  }

  @Test
  void neverClaimsMoreThanItsSlots() throws Exception {
    for (int i = 0; i < 5; i++) {
      spool.submit(argv("s" + i, sleeper.toString()));
    }
    Worker w = start(config("w1").slots(2).build());
    Await.until(WAIT, "two running", () -> spool.count(TaskState.CLAIMED) == 2);
    long seq = w.heartbeatSeq();
    Await.until(WAIT, "three more heartbeats", () -> w.heartbeatSeq() >= seq + 3);
    assertEquals(2, spool.count(TaskState.CLAIMED));
    assertEquals(3, spool.count(TaskState.PENDING));
  }

  @Test
  void runsHigherPriorityFirst() throws Exception {
    Path order = dir.resolve("order");
    Path record = Scripts.write(dir, "record.sh", "echo $SPOOL_TASK_ID >> " + order);
    for (int p : new int[] {100, 900, 500}) {
      spool.submit(
          Task.builder("p" + p)
              .createdAt(Instant.now())
              .priority(p)
              .argv(List.of(record.toString()))
              .build());
    }
    start(config("w1").slots(1).build());
    Await.until(WAIT, "all done", () -> spool.count(TaskState.DONE) == 3);
    assertEquals(List.of("p900", "p500", "p100"), Files.readAllLines(order));
  }

  @Test
  void aTaskPreferringWhatThisWorkerLacksGoesAfterAnEqualOneButIsNotDelayed() throws Exception {
    Path order = dir.resolve("order");
    Path record = Scripts.write(dir, "record.sh", "echo $SPOOL_TASK_ID >> " + order);
    Instant t = Instant.now();
    spool.submit(
        Task.builder("mac").createdAt(t).prefers("macos").argv(List.of(record.toString())).build());
    spool.submit(
        Task.builder("any").createdAt(t.plusMillis(1)).argv(List.of(record.toString())).build());
    spool.submit(
        Task.builder("low").createdAt(t).priority(100).argv(List.of(record.toString())).build());
    start(config("w1").slots(1).build());
    Await.until(WAIT, "all done", () -> spool.count(TaskState.DONE) == 3);
    assertEquals(List.of("any", "mac", "low"), Files.readAllLines(order));
  }

  @Test
  void aBulkheadKeepsASlotForUrgentWork() throws Exception {
    for (int i = 0; i < 3; i++) {
      spool.submit(
          Task.builder("bg" + i)
              .createdAt(Instant.now())
              .priority(100)
              .argv(List.of(sleeper.toString()))
              .build());
    }
    Worker w = start(config("w1").slots(2).reservedSlots(1).reservedMinPriority(900).build());
    Await.until(WAIT, "one background task running", () -> spool.count(TaskState.CLAIMED) == 1);
    long seq = w.heartbeatSeq();
    Await.until(WAIT, "three more heartbeats", () -> w.heartbeatSeq() >= seq + 3);
    assertEquals(1, spool.count(TaskState.CLAIMED));
    spool.submit(
        Task.builder("urgent")
            .createdAt(Instant.now())
            .priority(950)
            .argv(List.of(exitWith.toString(), "0"))
            .build());
    Await.until(
        WAIT,
        "urgent done beside the background task",
        () -> spool.exists(TaskState.DONE, "urgent"));
    assertEquals(2, spool.count(TaskState.PENDING));
  }

  @Test
  void aTaskCwdIsUsedOnlyUnderAnAllowedDirectory() throws Exception {
    Path allowed = Files.createDirectories(dir.resolve("work/repo"));
    Path pwd = Scripts.write(dir, "pwd.sh", "pwd -P");
    spool.submit(
        Task.builder("in")
            .createdAt(Instant.now())
            .cwd(allowed.toString())
            .argv(List.of(pwd.toString()))
            .build());
    spool.submit(
        Task.builder("out")
            .createdAt(Instant.now())
            .cwd("/etc")
            .argv(List.of(pwd.toString()))
            .build());
    spool.submit(
        Task.builder("scratch").createdAt(Instant.now()).argv(List.of(pwd.toString())).build());
    start(config("w1").allowedCwds(List.of(dir.resolve("work"))).build());
    Await.until(
        WAIT,
        "three finished",
        () -> spool.count(TaskState.DONE) + spool.count(TaskState.FAILED) == 3);
    assertEquals(allowed.toRealPath() + "\n", Files.readString(spool.layout.stdoutLog("in", 1)));
    Outcome refused = spool.result("out", 1).outcome();
    assertTrue(
        refused instanceof Outcome.LaunchFailed f
            && f.fatal()
            && f.message().contains("allowed_cwds"),
        refused.toString());
    String scratch = Files.readString(spool.layout.stdoutLog("scratch", 1)).trim();
    assertTrue(scratch.startsWith(dir.resolve("scratch-w1/w1").toRealPath() + "/"), scratch);
  }

  @Test
  void aReusedScratchDirectoryIsEmptyAgainForTheNextAttempt() throws Exception {
    Path outside = Files.writeString(dir.resolve("outside.txt"), "keep me");
    Path litter =
        Scripts.write(
            dir,
            "litter.sh",
            "pwd -P; touch left; mkdir -p d/e; echo x > d/e/f; ln -s "
                + outside
                + " link; ln -s "
                + dir
                + " dirlink");
    Path look = Scripts.write(dir, "look.sh", "pwd -P; ls -A");
    spool.submit(
        Task.builder("litter").createdAt(Instant.now()).argv(List.of(litter.toString())).build());
    start(config("w1").slots(1).build());
    Await.until(WAIT, "litter done", () -> spool.exists(TaskState.DONE, "litter"));
    spool.submit(
        Task.builder("look").createdAt(Instant.now()).argv(List.of(look.toString())).build());
    Await.until(WAIT, "look done", () -> spool.exists(TaskState.DONE, "look"));
    String first = Files.readString(spool.layout.stdoutLog("litter", 1)).trim();
    List<String> second = Files.readAllLines(spool.layout.stdoutLog("look", 1));
    assertEquals(List.of(first), second, "the same directory, and nothing left in it");
    assertEquals("keep me", Files.readString(outside), "links were removed, not followed");
    assertTrue(Files.isDirectory(dir.resolve("scratch-w1")), "the linked directory is intact");
  }

  @Test
  void aFullDiskWhilePublishingIsRetried() throws Exception {
    spool.submit(argv("full", exitWith.toString(), "0"));
    start(config("w1").build(), new dev.spool.worker.testing.FlakyFileOps(2, 0));
    Await.until(WAIT, "done after retries", () -> spool.exists(TaskState.DONE, "full"));
    assertEquals(List.of("full~1.json"), spool.resultsOf("full"));
  }

  @Test
  void aDiskFullLongerThanTheFastRetriesDoesNotStrandTheClaim() throws Exception {
    // Seven failed publishes: more than the six tries at the heartbeat pace. The worker keeps
    // beating, so nobody else would ever recover the claim if it gave up.
    spool.submit(argv("long-full", exitWith.toString(), "0"));
    start(config("w1").build(), new dev.spool.worker.testing.FlakyFileOps(7, 0));
    Await.until(WAIT, "done after retries", () -> spool.exists(TaskState.DONE, "long-full"));
    assertEquals(List.of("long-full~1.json"), spool.resultsOf("long-full"));
    assertEquals(0, spool.count(TaskState.CLAIMED));
  }

  @Test
  void aClaimWhoseDirectoryFsyncFailsIsRunNotStranded() throws Exception {
    // The claim rename took effect, then the fsync of claimed/ failed. The claim is this live
    // worker's: dropping it would leave it claimed until the worker restarts.
    spool.submit(argv("claim-eio", exitWith.toString(), "0"));
    start(config("w1").build(), new dev.spool.worker.testing.ClaimSyncFailingOps(1));
    Await.until(WAIT, "done", () -> spool.exists(TaskState.DONE, "claim-eio"));
    assertEquals(List.of("claim-eio~1.json"), spool.resultsOf("claim-eio"));
    assertEquals(0, spool.count(TaskState.CLAIMED));
  }

  @Test
  void aMoveThatFailsAfterTakingEffectIsNotRepublishedAsStale() throws Exception {
    spool.submit(argv("eio", exitWith.toString(), "0"));
    start(config("w1").build(), new dev.spool.worker.testing.FlakyFileOps(0, 1));
    Await.until(WAIT, "done", () -> spool.exists(TaskState.DONE, "eio"));
    Await.until(
        WAIT, "the slot finished, retry included", () -> workers.get(0).runningCount() == 0);
    assertEquals(List.of("eio~1.json"), spool.resultsOf("eio"));
    assertEquals(0, spool.count(TaskState.CLAIMED));
  }

  @Test
  void theIncarnationPassesEveryEarlierClaimOfThisId() throws Exception {
    Task x = argv("x", exitWith.toString(), "0");
    Files.write(spool.layout.dir(TaskState.CLAIMED).resolve("x~1~w1~7.json"), SpoolJson.write(x));
    Worker w = start(config("w1").build());
    assertEquals(8, w.incarnation());
    // No heartbeat says the holder of incarnation 7 is dead: its claim is the coordinator's.
    assertEquals(List.of("x~1~w1~7.json"), spool.names(TaskState.CLAIMED));
  }

  @Test
  void stdinFileIsReadOnlyUnderAnAllowedDirectory() throws Exception {
    Path work = Files.createDirectories(dir.resolve("work"));
    Files.writeString(work.resolve("prompt.txt"), "from a file\n");
    Path cat = Scripts.write(dir, "cat.sh", "cat");
    spool.submit(
        Task.builder("in")
            .createdAt(Instant.now())
            .stdinFile(work.resolve("prompt.txt").toString())
            .argv(List.of(cat.toString()))
            .build());
    spool.submit(
        Task.builder("out")
            .createdAt(Instant.now())
            .stdinFile("/etc/hostname")
            .argv(List.of(cat.toString()))
            .build());
    start(config("w1").allowedCwds(List.of(work)).build());
    Await.until(
        WAIT,
        "both finished",
        () -> spool.count(TaskState.DONE) + spool.count(TaskState.FAILED) == 2);
    assertEquals("from a file\n", Files.readString(spool.layout.stdoutLog("in", 1)));
    assertEquals(Outcome.Kind.LAUNCH_FAILED, spool.result("out", 1).outcome().kind());
  }

  @Test
  void heartbeatReportsRunningTasksWithProgress() throws Exception {
    spool.submit(argv("p1", sleeper.toString()));
    start(config("w1").capabilities(List.of("gpu")).build());
    Await.until(WAIT, "progress", () -> runningOutput("w1") > 0);
    Heartbeat hb = spool.heartbeat("w1");
    assertEquals(1, hb.slotsUsed());
    assertEquals(4, hb.slotsTotal());
    assertEquals(List.of("gpu"), hb.capabilities());
    assertEquals("p1", hb.running().get(0).taskId());
    assertTrue(hb.running().get(0).lastOutputAt() != null);
  }

  @Test
  void handDroppedFilesAreTakenInAndHostileEntriesQuarantined() throws Exception {
    Path pending = spool.layout.dir(TaskState.PENDING);
    Files.writeString(
        pending.resolve("mytask.json"),
        "{\"id\": \"dropped\", \"argv\": [\"" + exitWith + "\", \"0\"]}");
    Path secret = dir.resolve("secret.txt");
    Files.writeString(secret, "top secret");
    Files.createSymbolicLink(pending.resolve("link.json"), secret);
    start(config("w1").build());
    Await.until(WAIT, "the dropped task ran", () -> spool.exists(TaskState.DONE, "dropped"));
    Await.until(WAIT, "the link was quarantined", () -> spool.count(TaskState.PENDING) == 0);
    try (var q = Files.list(spool.layout.quarantine())) {
      assertEquals(2, q.count(), "the link and its reason file");
    }
    assertEquals("top secret", Files.readString(secret), "the target is untouched");
  }

  @Test
  void refusesToStartWhenTmpIsOnAnotherFileSystem() throws Exception {
    Path tmp = spool.layout.tmp();
    org.junit.jupiter.api.Assumptions.assumeTrue(
        run("mount", "-t", "tmpfs", "-o", "size=1m", "spool-test", tmp.toString()) == 0,
        "mounting a tmpfs needs root (skipped)");
    try {
      StartupException e =
          org.junit.jupiter.api.Assertions.assertThrows(
              StartupException.class, () -> start(config("w1").build()));
      assertTrue(e.getMessage().contains("another file system"), e.getMessage());
    } finally {
      assertEquals(0, run("umount", tmp.toString()));
    }
  }

  private static int run(String... cmd) throws Exception {
    Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
    p.getInputStream().readAllBytes();
    if (!p.waitFor(10, java.util.concurrent.TimeUnit.SECONDS)) {
      p.destroyForcibly();
      return -1;
    }
    return p.exitValue();
  }

  @Test
  void anExitCodeTheTypeMarksFatalIsClassifiedFatal() throws Exception {
    start(
        config("w1")
            .type(
                "strict",
                new dev.spool.worker.config.TypeTemplate(
                    List.of(exitWith.toString(), "{input.code}"), null, java.util.Set.of(64)))
            .build());
    for (String[] t : new String[][] {{"usage-error", "64"}, {"plain-failure", "1"}}) {
      spool.submit(
          Task.builder(t[0])
              .createdAt(Instant.now())
              .type("strict")
              .input(
                  dev.spool.protocol.json.SpoolJson.mapper()
                      .readTree("{\"code\":\"" + t[1] + "\"}"))
              .build());
    }
    Await.until(WAIT, "both failed", () -> spool.count(TaskState.FAILED) == 2);
    assertEquals("fatal", spool.result("usage-error", 1).classification());
    assertEquals(null, spool.result("plain-failure", 1).classification());
  }
}
