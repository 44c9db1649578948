package dev.spool.bench;

import java.util.Arrays;
import java.util.List;

/** Order statistics for benchmark samples: medians of repeats, percentiles by nearest rank. */
final class Stats {
  private Stats() {}

  /** The median (the mean of the two middle values for an even count). */
  static double median(List<Double> values) {
    if (values.isEmpty()) {
      throw new IllegalArgumentException("no values");
    }
    double[] v = values.stream().mapToDouble(Double::doubleValue).sorted().toArray();
    int n = v.length;
    return n % 2 == 1 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
  }

  /** The p-th percentile by nearest rank (p in 0..100], as the peers' scripts compute it. */
  static double percentile(double[] samples, double p) {
    if (samples.length == 0) {
      throw new IllegalArgumentException("no samples");
    }
    double[] v = samples.clone();
    Arrays.sort(v);
    int rank = (int) Math.ceil(p / 100.0 * v.length);
    return v[Math.max(0, Math.min(v.length - 1, rank - 1))];
  }
}
