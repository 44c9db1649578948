package dev.spool.coordinator.stats;

import dev.spool.protocol.Require;
import java.time.Instant;
import java.util.List;

/**
 * {@code state/throughput.json}: attempts finished per time bucket, as the active coordinator
 * counted them from the workers' heartbeats; rewritten every few seconds. Oldest bucket first.
 */
public record ThroughputRecord(
    Integer schemaVersion, Integer bucketSeconds, Instant writtenAt, List<Bucket> buckets) {
  public ThroughputRecord {
    schemaVersion = schemaVersion == null ? 1 : schemaVersion;
    Require.nonNull(bucketSeconds, "bucket_seconds");
    buckets = buckets == null ? List.of() : List.copyOf(buckets);
  }

  /** Attempts that ended in done/ ({@code succeeded}) or failed/ or cancelled/ ({@code failed}). */
  public record Bucket(Instant start, Long succeeded, Long failed) {}

  /** Totals over the buckets that start at or after {@code since}. */
  public long[] since(Instant since) {
    long ok = 0;
    long bad = 0;
    for (Bucket b : buckets) {
      if (!b.start().isBefore(since)) {
        ok += b.succeeded();
        bad += b.failed();
      }
    }
    return new long[] {ok, bad};
  }
}
