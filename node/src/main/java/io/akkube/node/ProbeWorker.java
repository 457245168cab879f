package io.akkube.node;

import akka.actor.typed.ActorRef;
import akka.actor.typed.Behavior;
import akka.actor.typed.javadsl.Behaviors;
import com.fasterxml.jackson.databind.JsonNode;
import io.akkube.node.runtime.ContainerRuntime;
import io.akkube.node.runtime.ContainerRuntime.ContainerHandle;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;

/**
 * One probe of one container instance (the kubelet's prober worker): waits initialDelaySeconds,
 * probes every periodSeconds with timeoutSeconds, and reports a change of result to the pod worker
 * once successThreshold successes or failureThreshold failures follow each other. Every failed
 * probe is an Unhealthy event.
 */
final class ProbeWorker {

  enum Kind {
    STARTUP("Startup"),
    LIVENESS("Liveness"),
    READINESS("Readiness");

    final String label;

    Kind(String label) {
      this.label = label;
    }
  }

  /** A probe's parameters with Kubernetes' defaults. */
  record Settings(
      Duration initialDelay,
      Duration period,
      Duration timeout,
      int successThreshold,
      int failureThreshold) {
    static Settings of(JsonNode probe, Kind kind) {
      int success = probe.path("successThreshold").asInt(1);
      return new Settings(
          Duration.ofSeconds(probe.path("initialDelaySeconds").asInt(0)),
          Duration.ofSeconds(Math.max(1, probe.path("periodSeconds").asInt(10))),
          Duration.ofSeconds(Math.max(1, probe.path("timeoutSeconds").asInt(1))),
          kind == Kind.READINESS ? Math.max(1, success) : 1,
          Math.max(1, probe.path("failureThreshold").asInt(3)));
    }
  }

  sealed interface Command {}

  private record Tick() implements Command {}

  private record Done(Handlers.Outcome outcome) implements Command {}

  static Behavior<Command> create(
      Kind kind,
      JsonNode probe,
      JsonNode pod,
      JsonNode container,
      ContainerHandle handle,
      String podIp,
      ContainerRuntime runtime,
      Executor blocking,
      EventRecorder events,
      ActorRef<PodWorker.Command> parent) {
    Settings s = Settings.of(probe, kind);
    String name = container.path("name").asText();
    return Behaviors.withTimers(
        timers -> {
          timers.startSingleTimer(new Tick(), s.initialDelay());
          return Behaviors.setup(
              ctx ->
                  new Object() {
                    boolean lastSuccess = kind == Kind.LIVENESS;
                    int run = 0;

                    Behavior<Command> idle() {
                      return Behaviors.receive(Command.class)
                          .onMessage(
                              Tick.class,
                              t -> {
                                ctx.pipeToSelf(
                                    CompletableFuture.supplyAsync(
                                        () ->
                                            Handlers.run(
                                                probe,
                                                runtime,
                                                handle,
                                                container,
                                                podIp,
                                                s.timeout()),
                                        blocking),
                                    (outcome, failure) ->
                                        new Done(
                                            outcome != null
                                                ? outcome
                                                : new Handlers.Outcome(
                                                    false, String.valueOf(failure))));
                                return Behaviors.same();
                              })
                          .onMessage(Done.class, this::done)
                          .build();
                    }

                    Behavior<Command> done(Done d) {
                      boolean ok = d.outcome().success();
                      if (!ok) {
                        events.record(
                            pod,
                            EventRecorder.containerFieldPath(name, false),
                            EventRecorder.WARNING,
                            "Unhealthy",
                            kind.label + " probe failed: " + d.outcome().message());
                      }
                      run = ok == lastSuccess ? run + 1 : 1;
                      if (run == (ok ? s.successThreshold() : s.failureThreshold())) {
                        parent.tell(
                            new PodWorker.ProbeChanged(
                                name, handle.id(), kind, ok, d.outcome().message()));
                      }
                      lastSuccess = ok;
                      if (kind == Kind.STARTUP && ok && run >= s.successThreshold()) {
                        return Behaviors.stopped();
                      }
                      timers.startSingleTimer(new Tick(), s.period());
                      return Behaviors.same();
                    }
                  }.idle());
        });
  }
}
