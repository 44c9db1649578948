package dev.spool.coordinator;

import java.time.Clock;
import java.util.function.LongSupplier;

/** The coordinator's wall clock (due times, records) and monotonic ticker (elapsed time). */
record Clocks(Clock wall, LongSupplier nanos) {}
