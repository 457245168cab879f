package io.akkube.cluster.store;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;

/**
 * Where a request continues after an actor answers. Akka's asks answer with Scala's {@code
 * CompletionStage}, whose {@code thenApply}, {@code thenCompose}, {@code exceptionally} … are the
 * async variants without an executor: they run on the JDK's common pool, and on a new thread per
 * stage where that pool has a single thread (fewer than 3 cores, unless Main sets its parallelism).
 * The store continues on the actor system's dispatcher instead.
 */
final class Answers {

  private Answers() {}

  /**
   * A plain future completed with {@code answer} by a task on {@code dispatcher}: the stages
   * chained on it run on that dispatcher thread.
   */
  static <T> CompletableFuture<T> continueOn(Executor dispatcher, CompletionStage<T> answer) {
    CompletableFuture<T> next = new CompletableFuture<>();
    answer.whenCompleteAsync(
        (value, failure) -> {
          if (failure == null) {
            next.complete(value);
          } else {
            next.completeExceptionally(failure);
          }
        },
        dispatcher);
    return next;
  }
}
