package io.akkube.cluster.bench;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.IntFunction;

/** A closed loop of {@code count} requests with at most {@code concurrency} in flight. */
final class Load {

  private Load() {}

  /** What a load measured; {@code seconds} from the first send to the last answer. */
  record Outcome(int ok, int failed, double seconds, Latencies.Summary latency, String firstError) {
    double perSecond() {
      return ok / Math.max(1e-9, seconds);
    }
  }

  /**
   * Sends request {@code i} for i in [0, count) through {@code send}, whose future completes with
   * null on success or an error text. Stops sending at the deadline.
   */
  static Outcome run(
      int count, int concurrency, IntFunction<CompletableFuture<String>> send, long deadlineNanos)
      throws InterruptedException {
    Semaphore inFlight = new Semaphore(concurrency);
    Latencies latencies = new Latencies(count);
    AtomicInteger ok = new AtomicInteger();
    AtomicInteger failed = new AtomicInteger();
    AtomicReference<String> firstError = new AtomicReference<>();
    long start = System.nanoTime();
    for (int i = 0; i < count; i++) {
      if (!inFlight.tryAcquire(
          Math.max(0, deadlineNanos - System.nanoTime()), TimeUnit.NANOSECONDS)) {
        break;
      }
      long sent = System.nanoTime();
      CompletableFuture<String> answer;
      try {
        answer = send.apply(i);
      } catch (RuntimeException e) {
        answer = CompletableFuture.completedFuture(e.toString());
      }
      answer.whenComplete(
          (error, failure) -> {
            long latency = System.nanoTime() - sent;
            String problem = failure != null ? failure.toString() : error;
            if (problem == null) {
              latencies.record(latency);
              ok.incrementAndGet();
            } else {
              failed.incrementAndGet();
              firstError.compareAndSet(null, problem);
            }
            inFlight.release();
          });
    }
    boolean drained =
        inFlight.tryAcquire(
            concurrency,
            Math.max(Duration.ofSeconds(30).toNanos(), deadlineNanos - System.nanoTime()),
            TimeUnit.NANOSECONDS);
    double seconds = (System.nanoTime() - start) / 1e9;
    if (!drained) {
      firstError.compareAndSet(null, "requests still in flight at the deadline");
    }
    return new Outcome(ok.get(), failed.get(), seconds, latencies.summary(), firstError.get());
  }
}
