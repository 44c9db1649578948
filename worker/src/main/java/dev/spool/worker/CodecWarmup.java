package dev.spool.worker;

import dev.spool.protocol.InvalidInputException;
import dev.spool.protocol.json.SpoolJson;
import dev.spool.protocol.result.AttemptResult;
import dev.spool.protocol.result.Outcome;
import dev.spool.protocol.result.OutputCapture;
import dev.spool.protocol.task.Task;
import java.time.Duration;
import java.time.Instant;
import java.util.List;

/**
 * Builds the JSON codecs of a task and of an attempt result before the worker claims anything. The
 * mapper builds a type's (de)serializer on its first use, loading and initialising a few hundred
 * classes: about 80 ms in a fresh JVM, which the first task after every start waited for between
 * its claim and its launch, and again between its end and its result. Done while the worker starts,
 * before its first heartbeat, it delays nothing that waits for the worker.
 */
final class CodecWarmup {
  private CodecWarmup() {}

  /** Round-trips a sample task and a sample result; returns the bytes written (never 0). */
  static int run(String worker, String host) {
    try {
      Task task = Task.ofArgv("warm-up", Instant.EPOCH, List.of("true"));
      Task back = SpoolJson.read("warm-up task", SpoolJson.write(task), Task.class);
      AttemptResult result =
          new AttemptResult(
              null,
              back.id(),
              1,
              worker,
              1L,
              host,
              Instant.EPOCH,
              Instant.EPOCH,
              Duration.ZERO,
              new Outcome.Succeeded(),
              null,
              null,
              new OutputCapture("logs/warm-up~1.out", 0L, false),
              new OutputCapture("logs/warm-up~1.err", 0L, false),
              null,
              null,
              null,
              null,
              null);
      byte[] bytes = SpoolJson.writePretty(result);
      SpoolJson.read("warm-up result", bytes, AttemptResult.class);
      return bytes.length;
    } catch (InvalidInputException e) {
      throw new IllegalStateException("the worker's own sample does not round-trip", e);
    }
  }
}
