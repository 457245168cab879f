package io.akkube.node;

import java.time.Duration;

/**
 * The kubelet's crash-loop back-off: the first restart is immediate, the next waits {@code
 * initial}, then each wait doubles up to {@code max}; a container that ran at least {@code reset}
 * before it ended starts the sequence over.
 */
public record Backoff(Duration initial, Duration max, Duration reset) {

  public static final Backoff KUBERNETES =
      new Backoff(Duration.ofSeconds(10), Duration.ofSeconds(300), Duration.ofMinutes(10));

  /** The wait before this restart, and the window to remember for the one after. */
  public record Step(Duration delay, Duration window) {}

  /**
   * @param window what the previous step returned ({@link Duration#ZERO} before any restart)
   * @param ranFor how long the container ran before it ended this time
   */
  public Step next(Duration window, Duration ranFor) {
    Duration delay = ranFor.compareTo(reset) >= 0 ? Duration.ZERO : window;
    Duration following = delay.isZero() ? initial : delay.multipliedBy(2);
    return new Step(delay, following.compareTo(max) > 0 ? max : following);
  }
}
