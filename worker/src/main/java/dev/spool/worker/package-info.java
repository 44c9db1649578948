/**
 * The worker daemon: discover, claim, run, publish, heartbeat, drain.
 *
 * <p>Flow: {@link dev.spool.worker.discovery.PendingWatcher} (file events, a hint) and {@link
 * dev.spool.worker.discovery.PendingScanner} (a full listing every {@code rescan_interval}, the
 * truth) keep a {@link dev.spool.worker.discovery.PendingIndex} of pending names. The {@code
 * Dispatcher} thread claims from it while a slot is free ({@link
 * dev.spool.worker.discovery.TaskPicker}, {@link dev.spool.worker.discovery.TaskMatcher}); each
 * claim runs on a slot thread ({@code AttemptRunner}, {@link dev.spool.worker.exec.ProcessRun}) and
 * ends through {@link dev.spool.worker.publish.AttemptFinisher}: result published with
 * publish-if-absent, then the fenced rename of the claim. {@link
 * dev.spool.worker.heartbeat.HeartbeatWriter} beats on its own thread.
 *
 * <p>Decisions:
 *
 * <ul>
 *   <li>{@code prefers} never idles a slot or delays a task: among eligible tasks of equal priority
 *       within the next 32 names, one whose preferences this worker meets goes first.
 *   <li>A configured {@code type} wins over {@code argv} in the same task; raw argv runs only with
 *       {@code allow_argv}; otherwise it is quarantined ({@code quarantine_refused_argv: true}, the
 *       default) or left for another worker.
 *   <li>Environment: {@code PATH HOME USER LOGNAME LANG LC_ALL LC_CTYPE TZ TMPDIR} from the worker,
 *       then {@code env_allow}, then the task's {@code env} (on type-only workers it may not set
 *       {@code PATH}, {@code LD_*}, {@code DYLD_*}), then the {@code SPOOL_*} variables and an
 *       attempt token ({@code SPOOL_RUN_TOKEN}) used to find escaped descendants.
 *   <li>Working directory: an empty {@code scratch_dir/<worker>/s<N>}, emptied after the attempt
 *       and reused by a later one; a task's {@code cwd} only under {@code allowed_cwds}, without
 *       links.
 *   <li>Incarnation: one more than the larger of the previous heartbeat's incarnation and the
 *       largest incarnation in this worker's claim names.
 *   <li>A dead predecessor on the same host (pid gone) has its claims handed back at start: an
 *       existing result is applied; otherwise {@code lost} is published and the task requeued with
 *       the next attempt (to failed/ once its lost attempts exceed {@code max_lost}).
 *   <li>Cancel stops the tree with a grace of at most 1 s, so it completes within 2 s.
 * </ul>
 */
package dev.spool.worker;
