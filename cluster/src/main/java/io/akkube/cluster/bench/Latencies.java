package io.akkube.cluster.bench;

import java.util.Arrays;

/**
 * Latencies in nanoseconds, recorded from many threads into a fixed array, read once at the end.
 */
final class Latencies {

  private final long[] nanos;
  private final java.util.concurrent.atomic.AtomicInteger size =
      new java.util.concurrent.atomic.AtomicInteger();

  Latencies(int capacity) {
    this.nanos = new long[capacity];
  }

  void record(long latencyNanos) {
    int i = size.getAndIncrement();
    if (i < nanos.length) {
      nanos[i] = latencyNanos;
    }
  }

  int count() {
    return Math.min(size.get(), nanos.length);
  }

  /** Percentiles in milliseconds of what was recorded; NaN when nothing was. */
  Summary summary() {
    long[] sorted = Arrays.copyOf(nanos, count());
    Arrays.sort(sorted);
    return new Summary(
        sorted.length, ms(sorted, 50), ms(sorted, 90), ms(sorted, 99), ms(sorted, 100));
  }

  record Summary(int count, double p50, double p90, double p99, double max) {}

  private static double ms(long[] sorted, double p) {
    if (sorted.length == 0) {
      return Double.NaN;
    }
    int index = (int) Math.ceil(p / 100.0 * sorted.length) - 1;
    return sorted[Math.max(0, Math.min(sorted.length - 1, index))] / 1e6;
  }
}
