package dev.spool.worker;

import com.fasterxml.jackson.databind.JsonNode;
import dev.spool.protocol.fs.SafeFiles;
import dev.spool.protocol.result.AttemptResult;
import dev.spool.protocol.result.Outcome;
import dev.spool.protocol.result.OutputCapture;
import dev.spool.protocol.spool.SpoolLayout;
import dev.spool.protocol.spool.TaskName;
import dev.spool.protocol.task.Task;
import dev.spool.worker.config.TypeTemplate;
import dev.spool.worker.config.WorkerConfig;
import dev.spool.worker.exec.ArgvTemplate;
import dev.spool.worker.exec.LaunchSpec;
import dev.spool.worker.exec.ProcessRun;
import dev.spool.worker.exec.RunResult;
import dev.spool.worker.exec.TaskEnvironment;
import dev.spool.worker.lane.AnswerSchema;
import dev.spool.worker.lane.Lane;
import dev.spool.worker.lane.LaneAttempts;
import dev.spool.worker.lane.LaneChoice;
import dev.spool.worker.lane.LaneCommand;
import dev.spool.worker.publish.AttemptFinisher;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ThreadLocalRandom;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs one claimed attempt: builds its command, environment, stdin and working directory, runs it
 * ({@link ProcessRun}), and finishes it ({@link dev.spool.worker.publish.AttemptFinisher}). A task
 * that cannot be launched as written (a template placeholder without a value, a cwd or stdin_file
 * outside the allowed directories, a forbidden env variable) ends as a fatal {@link
 * Outcome.LaunchFailed} without starting anything.
 *
 * <p>Working directory: an empty directory of {@link ScratchDirs} ({@code scratch_dir/WORKER/sN}),
 * emptied afterwards (links are removed, never followed) and reused by a later attempt; a task's
 * own {@code cwd} is used only when it is an existing directory under one of {@code allowed_cwds}
 * reached without symbolic links. Called on a slot thread; one instance serves all slots.
 */
final class AttemptRunner {
  private static final Logger log = LoggerFactory.getLogger(AttemptRunner.class);
  private static final int MAX_STDIN_FILE = 16 * 1024 * 1024;
  private static final int FAST_TRIES = 6;
  private static final Duration MAX_FINISH_PAUSE = Duration.ofSeconds(30);

  private final WorkerContext ctx;
  private final LaneAttempts lanes;
  private final ScratchDirs scratchDirs;

  AttemptRunner(WorkerContext ctx, LaneAttempts lanes) {
    this.ctx = ctx;
    this.lanes = lanes;
    this.scratchDirs = new ScratchDirs(scratchRoot(ctx));
  }

  /** Runs the attempt (on {@code lane} when not null) to its end and publishes its result. */
  void run(RunningTasks.Running running, Task task, TaskName.Pending origin, LaneChoice lane)
      throws IOException, InterruptedException {
    TaskName.Claimed claim = running.claim;
    RunResult result;
    LaneAttempts.Finished finished = null;
    try {
      Optional<RunResult> ran = execute(running, task, lane);
      if (ran.isEmpty()) {
        return; // a stale attempt: nothing ran, nothing is published
      }
      result = ran.get();
      if (lane != null) {
        finished = laneFinish(lane, claim, result, AnswerSchema.of(task).orElse(null));
      }
    } finally {
      if (lane != null) {
        lanes.release(lane);
      }
    }
    AttemptResult record = record(task, claim, result, lane, finished);
    TaskName.Pending requeue =
        new TaskName.Pending(
            origin.priority(), origin.enqueuedMillis(), claim.id(), claim.attempt() + 1);
    finish(claim, record, requeue);
    if (result.outcome().kind() == Outcome.Kind.CANCELLED) {
      Files.deleteIfExists(ctx.spool().layout().cancelRequest(claim.id()));
    }
  }

  private LaneAttempts.Finished laneFinish(
      LaneChoice lane, TaskName.Claimed claim, RunResult r, JsonNode schema) {
    SpoolLayout layout = ctx.spool().layout();
    try {
      return lanes.finish(
          lane,
          r,
          new LaneAttempts.Files3(
              layout.stdoutLog(claim.id(), claim.attempt()),
              layout.stderrLog(claim.id(), claim.attempt()),
              layout.answerLog(claim.id(), claim.attempt())),
          "worker " + ctx.identity().workerId(),
          schema);
    } catch (IOException e) {
      log.error(
          "lane_output_unreadable task={} attempt={} consequence=the attempt is recorded without"
              + " a classification",
          claim.id(),
          claim.attempt(),
          e);
      return null;
    }
  }

  /** Runs the attempt's process; empty when the attempt turned out stale before the launch. */
  private Optional<RunResult> execute(RunningTasks.Running running, Task task, LaneChoice lane) {
    TaskName.Claimed claim = running.claim;
    Path scratch = null;
    Path promptFile = null;
    Path schemaFile = null;
    try {
      Path cwd;
      if (task.cwd() != null) {
        cwd = allowedPath(task.cwd(), "cwd");
      } else {
        scratch = scratchDirs.take();
        cwd = scratch;
      }
      if (lane != null) {
        Files.writeString(
            ctx.spool().layout().laneLog(claim.id(), claim.attempt()),
            lane.lane().name() + " " + lane.account().name() + "\n",
            StandardCharsets.UTF_8);
      }
      if (lane != null && lane.lane().prompt() == Lane.PromptDelivery.FILE) {
        promptFile = scratchRoot(ctx).resolve(claim.id() + "~" + claim.attempt() + ".prompt");
        Files.writeString(promptFile, LaneCommand.prompt(task), StandardCharsets.UTF_8);
      }
      Optional<JsonNode> schema = lane == null ? Optional.empty() : AnswerSchema.of(task);
      if (schema.isPresent()) {
        try {
          AnswerSchema.check(schema.get());
        } catch (IllegalArgumentException e) {
          throw new RefusedException(e.getMessage());
        }
        schemaFile = scratchRoot(ctx).resolve(claim.id() + "~" + claim.attempt() + ".schema.json");
        Files.writeString(schemaFile, schema.get().toString(), StandardCharsets.UTF_8);
      }
      LaunchSpec spec = spec(task, claim, cwd, lane, promptFile, schemaFile);
      syncClaim(claim);
      CrashPoints.pause(CrashPoints.BEFORE_LAUNCH);
      Optional<String> stale = staleReason(claim);
      if (stale.isPresent()) {
        log.warn(
            "attempt_abandoned task={} attempt={} reason={} consequence=not run and nothing"
                + " published; the attempt belongs to whoever decided it",
            claim.id(),
            claim.attempt(),
            stale.get());
        return Optional.empty();
      }
      ProcessRun run = new ProcessRun(spec, ctx.clock(), ctx.nanoTicker());
      running.attach(run);
      log.debug(
          "task_started task={} attempt={} argv0={}",
          claim.id(),
          claim.attempt(),
          spec.argv().get(0));
      return Optional.of(run.run());
    } catch (RefusedException e) {
      return Optional.of(
          notStarted(new Outcome.LaunchFailed(e.getMessage(), true), e.getMessage()));
    } catch (IOException e) {
      String msg =
          "cannot prepare the attempt's files (working directory under "
              + scratchRoot(ctx)
              + "): "
              + e;
      return Optional.of(notStarted(new Outcome.LaunchFailed(msg, false), msg));
    } finally {
      if (scratch != null) {
        scratchDirs.giveBack(scratch);
      }
      if (schemaFile != null) {
        deleteQuietly(schemaFile);
      }
      if (promptFile != null) {
        deleteQuietly(promptFile);
      }
    }
  }

  /**
   * Makes the claim durable before anything acts on it (PROTOCOL.md section 10, step 2); the
   * dispatcher renamed without syncing. A failing fsync does not stop the attempt: the claim took
   * effect and is visible, and dropping it would strand the task while this worker beats.
   */
  private void syncClaim(TaskName.Claimed claim) {
    try {
      ctx.spool().moves().syncClaim();
    } catch (IOException e) {
      log.warn(
          "claim_not_synced task={} attempt={} consequence=the claim took effect but the fsync of"
              + " claimed/ failed; running it (after a power loss it may be claimed again)",
          claim.id(),
          claim.attempt(),
          e);
    }
  }

  /**
   * Why the attempt must not start, checked just before the launch: a worker that froze (GC pause,
   * SIGSTOP, a suspended VM) after claiming may resume after the coordinator declared it dead,
   * published a {@code lost} result and requeued the task; running now would run a stale attempt
   * next to the new one. The claim is checked before the result: the coordinator publishes the
   * result before it moves the claim, so a claim seen first and no result seen afterwards means the
   * attempt was still ours and undecided at the second look. The window between this check and the
   * exec remains (a freeze there still runs the attempt); the fencing at publish keeps that late
   * result stale.
   */
  private Optional<String> staleReason(TaskName.Claimed claim) {
    SpoolLayout layout = ctx.spool().layout();
    if (!Files.exists(layout.path(claim), LinkOption.NOFOLLOW_LINKS)) {
      return Optional.of("claim_gone");
    }
    // java.io.File.exists: the usual answer here is "absent", which NIO's checks report by
    // throwing inside the JDK, once per task. It follows a link; a dangling link named like the
    // result then reads as absent, the attempt runs, and publishing finds the name taken and keeps
    // the record as stale, as for any attempt decided meanwhile.
    if (layout.result(claim.id(), claim.attempt()).toFile().exists()) {
      return Optional.of("attempt_decided");
    }
    return Optional.empty();
  }

  /**
   * Publishes and moves, retrying a failing disk (full, NFS hiccup) until it works or the worker
   * stops (the interrupt ends the wait): first {@value #FAST_TRIES} tries at the heartbeat pace,
   * then with the pause doubling up to {@link #MAX_FINISH_PAUSE}. Giving up instead would strand
   * the claim: this worker keeps beating, so the coordinator never declares the attempt lost, and
   * the task would wait for the next restart of the worker although the disk recovered. The slot
   * stays busy meanwhile, so a worker that cannot publish claims no more work. A retry first looks
   * for our own record: if the publish went through before the failure, only the move is repeated
   * (publishing again would find the name taken and wrongly keep ours as stale).
   */
  private void finish(TaskName.Claimed claim, AttemptResult record, TaskName.Pending requeue)
      throws IOException, InterruptedException {
    AttemptFinisher finisher = ctx.spool().finisher();
    Duration retry = ctx.config().heartbeatInterval();
    for (int attempt = 1; ; attempt++) {
      try {
        Optional<AttemptResult> published =
            attempt == 1 ? Optional.empty() : finisher.readResult(claim.id(), claim.attempt());
        if (published.isPresent() && same(published.get(), record)) {
          finisher.apply(claim, record.outcome(), requeue);
        } else {
          finisher.finish(claim, record, requeue);
        }
        return;
      } catch (IOException e) {
        log.error(
            "result_not_published task={} attempt={} try={} consequence=the task stays claimed;"
                + " retrying in {}s",
            claim.id(),
            claim.attempt(),
            attempt,
            retry.toMillis() / 1000.0,
            e);
        Thread.sleep(retry.toMillis());
        if (attempt >= FAST_TRIES) {
          retry = min(retry.multipliedBy(2), MAX_FINISH_PAUSE);
        }
      }
    }
  }

  private static Duration min(Duration a, Duration b) {
    return a.compareTo(b) <= 0 ? a : b;
  }

  private static boolean same(AttemptResult a, AttemptResult b) {
    return a.outcome().equals(b.outcome())
        && a.finishedAt().equals(b.finishedAt())
        && Objects.equals(a.worker(), b.worker())
        && Objects.equals(a.incarnation(), b.incarnation());
  }

  /** This worker's scratch directory: {@code scratch_dir/<worker id>}. */
  static Path scratchRoot(WorkerContext ctx) {
    return ctx.config().scratchDir().resolve(ctx.identity().workerId());
  }

  private LaunchSpec spec(
      Task task,
      TaskName.Claimed claim,
      Path cwd,
      LaneChoice lane,
      Path promptFile,
      Path schemaFile)
      throws RefusedException, IOException {
    WorkerConfig c = ctx.config();
    TypeTemplate template = task.type() == null ? null : c.types().get(task.type());
    List<String> argv;
    byte[] stdin;
    Map<String, String> accountEnv = Map.of();
    try {
      if (lane != null) {
        LaneCommand cmd =
            LaneCommand.build(
                lane.lane(), lane.account(), task, claim.attempt(), promptFile, schemaFile);
        argv = cmd.argv();
        stdin = cmd.stdin();
        accountEnv = cmd.env();
      } else {
        argv = template != null ? ArgvTemplate.argv(template, task, claim.attempt()) : task.argv();
        String stdinText =
            template != null ? ArgvTemplate.stdin(template, task, claim.attempt()) : null;
        stdin = stdinText != null ? stdinText.getBytes(StandardCharsets.UTF_8) : stdin(task);
      }
    } catch (ArgvTemplate.TemplateException e) {
      throw new RefusedException("type " + task.type() + ": " + e.getMessage());
    }
    Map<String, String> env;
    try {
      env =
          new java.util.HashMap<>(
              TaskEnvironment.build(
                  ctx.workerEnv(), c.envAllow(), task.env(), c.allowArgv(), spoolVars(claim)));
    } catch (IllegalArgumentException e) {
      throw new RefusedException(e.getMessage());
    }
    env.putAll(accountEnv);
    SpoolLayout layout = ctx.spool().layout();
    return new LaunchSpec(
        argv,
        env,
        cwd,
        stdin,
        new LaunchSpec.OutputFiles(
            layout.stdoutLog(claim.id(), claim.attempt()),
            layout.stderrLog(claim.id(), claim.attempt()),
            c.outputCapBytes()),
        new LaunchSpec.Limits(
            task.timeout() != null ? task.timeout() : c.defaultTimeout(),
            task.idleTimeout() != null ? task.idleTimeout() : c.idleTimeout(),
            c.killGrace()),
        claim.fileName() + "~" + Long.toHexString(ThreadLocalRandom.current().nextLong()));
  }

  private Map<String, String> spoolVars(TaskName.Claimed claim) {
    return Map.of(
        "SPOOL_TASK_ID", claim.id(),
        "SPOOL_ATTEMPT", Integer.toString(claim.attempt()),
        "SPOOL_WORKER_ID", claim.worker(),
        "SPOOL_SPOOL_DIR", ctx.spool().layout().root().toString());
  }

  private byte[] stdin(Task task) throws RefusedException {
    if (task.stdin() != null) {
      return task.stdin().getBytes(StandardCharsets.UTF_8);
    }
    if (task.stdinFile() == null) {
      return null;
    }
    Path file = allowedPath(task.stdinFile(), "stdin_file");
    try {
      var unsafe = SafeFiles.unsafeReason(file, MAX_STDIN_FILE);
      if (unsafe.isPresent()) {
        throw new RefusedException("stdin_file " + file + " " + unsafe.get());
      }
      return SafeFiles.readBounded(file, MAX_STDIN_FILE);
    } catch (IOException e) {
      throw new RefusedException("stdin_file " + file + " cannot be read: " + e);
    }
  }

  /** A path from a task, accepted only under an allowed directory and without symbolic links. */
  private Path allowedPath(String value, String field) throws RefusedException {
    Path p = Path.of(value);
    if (!p.isAbsolute()) {
      throw new RefusedException(field + " must be an absolute path (got " + value + ")");
    }
    Path normal = p.normalize();
    boolean under = ctx.config().allowedCwds().stream().anyMatch(normal::startsWith);
    if (!under) {
      throw new RefusedException(
          field + " " + normal + " is not under any of allowed_cwds " + ctx.config().allowedCwds());
    }
    try {
      if (!normal.toRealPath().equals(normal)) {
        throw new RefusedException(field + " " + normal + " goes through a symbolic link");
      }
    } catch (IOException e) {
      throw new RefusedException(field + " " + normal + " does not exist");
    }
    return normal;
  }

  private RunResult notStarted(Outcome outcome, String message) {
    Instant now = ctx.clock().instant();
    return new RunResult(outcome, now, now, Duration.ZERO, 0, false, 0, false, message);
  }

  /** {@code fatal} when the task's type marks this exit code as one a retry cannot help. */
  private String fatalClass(Task task, Outcome outcome) {
    TypeTemplate t = task.type() == null ? null : ctx.config().types().get(task.type());
    if (t != null && outcome instanceof Outcome.Failed) {
      Integer code = ((Outcome.Failed) outcome).exitCode();
      return code != null && t.fatalExitCodes().contains(code) ? "fatal" : null;
    }
    return null;
  }

  private AttemptResult record(
      Task task, TaskName.Claimed claim, RunResult r, LaneChoice lane, LaneAttempts.Finished f) {
    SpoolLayout layout = ctx.spool().layout();
    return new AttemptResult(
        null,
        claim.id(),
        claim.attempt(),
        claim.worker(),
        claim.incarnation(),
        ctx.identity().host(),
        r.startedAt(),
        r.finishedAt(),
        r.duration(),
        f != null ? f.outcome() : r.outcome(),
        f != null ? f.classification() : fatalClass(task, r.outcome()),
        f != null ? f.retryAfter() : null,
        new OutputCapture(
            layout.relative(layout.stdoutLog(claim.id(), claim.attempt())),
            r.stdoutBytes(),
            r.stdoutTruncated()),
        new OutputCapture(
            layout.relative(layout.stderrLog(claim.id(), claim.attempt())),
            r.stderrBytes(),
            r.stderrTruncated()),
        f != null ? f.usage() : null,
        lane != null ? lane.lane().name() : task.lane(),
        lane != null ? lane.account().name() : null,
        f != null ? f.sessionId() : null,
        f != null && f.message() != null ? f.message() : r.message());
  }

  private static void deleteQuietly(Path file) {
    try {
      Files.deleteIfExists(file);
    } catch (IOException e) {
      log.warn("scratch_not_deleted file={} consequence=disk space is not reclaimed", file, e);
    }
  }

  /** Deletes a directory tree without following links (a link is deleted, not its target). */
  static void deleteTree(Path dir) throws IOException {
    if (!Files.exists(dir, LinkOption.NOFOLLOW_LINKS)) {
      return;
    }
    Files.walkFileTree(
        dir,
        new SimpleFileVisitor<>() {
          @Override
          public FileVisitResult visitFile(Path file, BasicFileAttributes attrs)
              throws IOException {
            Files.deleteIfExists(file);
            return FileVisitResult.CONTINUE;
          }

          @Override
          public FileVisitResult postVisitDirectory(Path d, IOException e) throws IOException {
            Files.deleteIfExists(d);
            return FileVisitResult.CONTINUE;
          }
        });
  }

  /** The task cannot be launched as written; a retry cannot help. */
  static final class RefusedException extends Exception {
    private static final long serialVersionUID = 1L;

    RefusedException(String message) {
      super(message);
    }
  }
}
