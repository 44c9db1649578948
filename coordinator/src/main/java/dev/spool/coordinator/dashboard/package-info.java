/**
 * The web dashboard and the Prometheus metrics ({@code spool dashboard}, {@code spool metrics}).
 *
 * <p>Shape: {@link dev.spool.coordinator.dashboard.DashboardServer} serves pages rendered on the
 * server ({@code OverviewPage}, {@code TaskListPage}, {@code TaskPage}, {@code LoginPage}) through
 * {@code Html}, whose only way to add data is escaped. {@code SpoolObserver} owns what the pages
 * read: the {@code TaskIndex} (every task by state, kept by {@code SpoolWatch} events and {@code
 * IndexMaintainer} rescans), {@code WorkerLiveness}, {@code Activity}, {@code TaskHistory}, the
 * lane rows and {@code SpoolMetrics}. {@code ActionGuard} decides who may act. The package has more
 * than twelve classes because the pages, the index and the guard are small on purpose; they share
 * package-private state that splitting would make public.
 *
 * <p>Decisions:
 *
 * <ul>
 *   <li>The JDK's HTTP server and no web framework: a dozen routes, one dependency fewer, and
 *       nothing that the shaded jar has to reconcile.
 *   <li>Live updates by polling a JSON feed every 2 s rather than server-sent events: the JDK
 *       server holds a thread per open stream, and polling survives proxies and restarts.
 *   <li>Results that existed before the dashboard started are history: counters and the chart count
 *       attempts that end while it runs, as Prometheus counters expect (they start at zero with the
 *       process).
 *   <li>Type, label and worker filters use what a background reader has read from each task file; a
 *       page says how many tasks are not read yet instead of reading them on the request path.
 *   <li>Paging is by cursor (the last key shown), so a deep page costs what the first one does; the
 *       list's live refresh asks {@code /api/tasks} with the page's own query, so it keeps the
 *       filters and the cursor.
 *   <li>The port is bound only after the first index scan: a page of a cold index would show an
 *       empty spool, which an operator would believe. The wait is bounded; past it the start fails.
 *   <li>A task's history comes from the coordinator's WAL, followed incrementally by {@code
 *       TaskHistory} (only the bytes appended since the last refresh are read) and bounded per task
 *       and in tasks; the dashboard never writes to the WAL.
 *   <li>Lanes are read with {@code view.LaneRows}, the code {@code spool lanes} prints, every
 *       sample period, off the request path. Worker-local breaker state is not on disk and is not
 *       shown.
 * </ul>
 */
package dev.spool.coordinator.dashboard;
