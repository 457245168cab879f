package io.akkube.cluster.e2e;

import java.time.Duration;
import java.util.function.BooleanSupplier;

/** Waits for a condition with a deadline: end-to-end tests never sleep for a fixed time. */
final class Await {

  private Await() {}

  static void until(Duration timeout, BooleanSupplier condition) {
    until(timeout, "the condition", condition);
  }

  /**
   * Polls {@code condition} (10 ms, backing off to 200 ms) until it holds or the deadline passes.
   */
  static void until(Duration timeout, String what, BooleanSupplier condition) {
    long deadline = System.nanoTime() + timeout.toNanos();
    long pauseMillis = 10;
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError(
            "timed out after " + timeout.toSeconds() + " s waiting for " + what);
      }
      try {
        Thread.sleep(pauseMillis);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new AssertionError("interrupted while waiting for " + what, e);
      }
      pauseMillis = Math.min(200, pauseMillis * 2);
    }
  }
}
