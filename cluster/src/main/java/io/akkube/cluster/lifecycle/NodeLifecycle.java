package io.akkube.cluster.lifecycle;

import akka.actor.typed.ActorRef;
import akka.actor.typed.ActorSystem;
import akka.actor.typed.SupervisorStrategy;
import akka.actor.typed.javadsl.Behaviors;
import akka.cluster.typed.ClusterSingleton;
import akka.cluster.typed.SingletonActor;
import com.typesafe.config.Config;
import io.akkube.core.store.ObjectStore;
import io.akkube.node.Heartbeats;
import java.time.Clock;
import java.time.Duration;

/**
 * The node lifecycle on a member, for AkkubeServer: the {@link NodeLifecycleController} singleton
 * (config {@code akkube.node-lifecycle}) and the {@link Heartbeats} its node agents send to it
 * through the singleton's proxy.
 */
public final class NodeLifecycle {

  private NodeLifecycle() {}

  /** Settings from config {@code akkube} (defaults: heartbeat 10 s, grace 40 s, monitor 5 s). */
  public static NodeLifecycleController.Settings settings(Config akkube) {
    return new NodeLifecycleController.Settings(
        duration(akkube, "node-lifecycle.heartbeat-interval", Duration.ofSeconds(10)),
        duration(akkube, "node-lifecycle.grace-period", Duration.ofSeconds(40)),
        duration(akkube, "node-lifecycle.monitor-period", Duration.ofSeconds(5)));
  }

  /** Starts (or proxies) the singleton; the heartbeats this member's agents send to it. */
  public static Heartbeats start(
      ActorSystem<?> system,
      ClusterSingleton singletons,
      ObjectStore store,
      Config akkube,
      Clock clock) {
    NodeLifecycleController.Settings settings = settings(akkube);
    ActorRef<NodeLifecycleController.Command> proxy =
        singletons.init(
            SingletonActor.of(
                Behaviors.supervise(NodeLifecycleController.create(store, settings, clock))
                    .onFailure(SupervisorStrategy.restart()),
                NodeLifecycleController.NAME));
    return new Heartbeats() {
      @Override
      public Duration interval() {
        return settings.heartbeatInterval();
      }

      @Override
      public void beat(String nodeName) {
        proxy.tell(new NodeLifecycleController.Heartbeat(nodeName));
      }
    };
  }

  /**
   * Heartbeats for a Node this member registered without running an agent for it (a member without
   * the worker role): the member itself is what stays alive or dies.
   */
  public static void startMemberHeartbeats(
      ActorSystem<?> system, Heartbeats heartbeats, String nodeName) {
    system.systemActorOf(
        Behaviors.<String>withTimers(
            timers -> {
              timers.startTimerWithFixedDelay("beat", nodeName, heartbeats.interval());
              heartbeats.beat(nodeName);
              return Behaviors.receiveMessage(
                  name -> {
                    heartbeats.beat(name);
                    return Behaviors.same();
                  });
            }),
        "member-heartbeats",
        akka.actor.typed.Props.empty());
  }

  private static Duration duration(Config c, String path, Duration fallback) {
    return c.hasPath(path) ? c.getDuration(path) : fallback;
  }
}
