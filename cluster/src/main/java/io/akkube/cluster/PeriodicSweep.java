package io.akkube.cluster;

import akka.actor.typed.Behavior;
import akka.actor.typed.javadsl.Behaviors;
import java.time.Duration;
import java.util.concurrent.CompletionStage;
import java.util.function.Supplier;

/**
 * A singleton's loop for controllers that converge by sweeping (namespace finalization, garbage
 * collection, event expiry): run the sweep, wait the interval after it completes, run it again. A
 * failed sweep is logged and retried on the next tick; sweeps never overlap.
 */
public final class PeriodicSweep {

  private enum Tick {
    INSTANCE
  }

  private record Done() {}

  private PeriodicSweep() {}

  public static Behavior<Object> create(
      String name, Duration interval, Supplier<CompletionStage<?>> sweep) {
    return Behaviors.setup(
        ctx ->
            Behaviors.withTimers(
                timers -> {
                  timers.startSingleTimer(Tick.INSTANCE, interval);
                  return Behaviors.receive(Object.class)
                      .onMessageEquals(
                          Tick.INSTANCE,
                          () -> {
                            ctx.pipeToSelf(
                                sweep.get(),
                                (ok, failure) -> {
                                  if (failure != null) {
                                    ctx.getLog().warn("{} failed: {}", name, failure.toString());
                                  }
                                  return new Done();
                                });
                            return Behaviors.same();
                          })
                      .onMessage(
                          Done.class,
                          d -> {
                            timers.startSingleTimer(Tick.INSTANCE, interval);
                            return Behaviors.same();
                          })
                      .build();
                }));
  }
}
