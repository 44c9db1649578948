package dev.spool.worker.exec;

import dev.spool.protocol.result.Outcome;
import java.time.Duration;
import java.time.Instant;

/**
 * How a process run ended, with its output counters.
 *
 * @param message a human summary: the command, exit code, duration, or why it was stopped
 */
public record RunResult(
    Outcome outcome,
    Instant startedAt,
    Instant finishedAt,
    Duration duration,
    long stdoutBytes,
    boolean stdoutTruncated,
    long stderrBytes,
    boolean stderrTruncated,
    String message) {}
