package io.akkube.cluster.e2e;

import java.time.Duration;
import java.util.function.BooleanSupplier;
import java.util.function.Predicate;

/**
 * Waits for a condition with a deadline: tests never sleep for a fixed time. The one polling loop
 * of the test code (the harnesses of the other packages and the multi-JVM tests call it).
 */
public final class Await {

  private Await() {}

  /** A condition that may throw (kubectl, HTTP, files). */
  public interface Check {
    boolean holds() throws Exception;
  }

  public static void until(Duration timeout, BooleanSupplier condition) {
    until(timeout, "the condition", condition);
  }

  /**
   * Polls {@code condition} (10 ms, backing off to 200 ms) until it holds or the deadline passes.
   */
  public static void until(Duration timeout, String what, BooleanSupplier condition) {
    until(timeout, what, failure -> false, condition::getAsBoolean);
  }

  /**
   * Like {@link #until(Duration, String, BooleanSupplier)} for a condition that may throw: what
   * {@code notYet} accepts counts as "not yet" (the last such failure becomes the cause of the
   * timeout); anything else ends the wait at once, a checked exception wrapped in an
   * AssertionError.
   */
  public static void until(
      Duration timeout, String what, Predicate<Throwable> notYet, Check condition) {
    long deadline = System.nanoTime() + timeout.toNanos();
    long pauseMillis = 10;
    Throwable last = null;
    while (true) {
      try {
        if (condition.holds()) {
          return;
        }
      } catch (Exception | AssertionError failure) {
        if (!notYet.test(failure)) {
          if (failure instanceof RuntimeException runtime) {
            throw runtime;
          }
          if (failure instanceof AssertionError assertion) {
            throw assertion;
          }
          throw new AssertionError("failed while waiting for " + what, failure);
        }
        last = failure;
      }
      if (System.nanoTime() > deadline) {
        throw new AssertionError(
            "timed out after " + timeout.toSeconds() + " s waiting for " + what, last);
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

  /** {@link #until(Duration, String, Predicate, Check)} where any failure counts as "not yet". */
  public static void eventually(Duration timeout, String what, Check condition) {
    until(timeout, what, failure -> true, condition);
  }
}
