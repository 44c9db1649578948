package dev.spool.worker;

import dev.spool.protocol.fs.AtomicFiles;
import dev.spool.protocol.spool.Quarantine;
import dev.spool.protocol.spool.SpoolLayout;
import dev.spool.protocol.spool.TaskFiles;
import dev.spool.protocol.spool.TaskMoves;
import dev.spool.worker.config.WorkerConfig;
import dev.spool.worker.publish.AttemptFinisher;
import java.time.Clock;
import java.util.Map;
import java.util.function.LongSupplier;

/** What every part of a running worker shares; immutable. */
record WorkerContext(
    WorkerConfig config,
    Spool spool,
    Clock clock,
    LongSupplier nanoTicker,
    Identity identity,
    Map<String, String> workerEnv) {

  /** The spool's access objects. */
  record Spool(
      SpoolLayout layout,
      AtomicFiles files,
      TaskMoves moves,
      TaskFiles taskFiles,
      Quarantine quarantine,
      AttemptFinisher finisher) {}

  /** Who this worker is in this run. */
  record Identity(String workerId, long incarnation, String host) {}

  String detectedBy() {
    return "worker " + identity.workerId() + " incarnation " + identity.incarnation();
  }
}
