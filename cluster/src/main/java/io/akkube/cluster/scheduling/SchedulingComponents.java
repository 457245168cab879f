package io.akkube.cluster.scheduling;

import akka.actor.typed.ActorSystem;
import akka.actor.typed.SupervisorStrategy;
import akka.actor.typed.javadsl.Behaviors;
import akka.cluster.typed.ClusterSingleton;
import akka.cluster.typed.SingletonActor;
import com.typesafe.config.Config;
import io.akkube.cluster.hollow.HollowNodes;
import io.akkube.cluster.pdb.DisruptionController;
import io.akkube.cluster.taints.TaintEvictionController;
import io.akkube.core.store.ObjectStore;
import java.time.Clock;

/**
 * What issue 4 adds to a member, in one place for AkkubeServer: the scheduler, the NoExecute taint
 * eviction and disruption-budget singletons, and the hollow nodes of {@code --hollow-nodes}.
 */
public final class SchedulingComponents {

  private SchedulingComponents() {}

  public static void start(
      ActorSystem<?> system,
      ClusterSingleton singletons,
      ObjectStore store,
      Config akkube,
      String address,
      io.akkube.node.Heartbeats heartbeats,
      Clock clock) {
    if (!akkube.hasPath("scheduler.enabled") || akkube.getBoolean("scheduler.enabled")) {
      singletons.init(
          SingletonActor.of(
              Behaviors.supervise(Scheduler.create(store, clock))
                  .onFailure(SupervisorStrategy.restart()),
              Scheduler.NAME));
    }
    singletons.init(
        SingletonActor.of(
            Behaviors.supervise(TaintEvictionController.create(store, clock))
                .onFailure(SupervisorStrategy.restart()),
            TaintEvictionController.NAME));
    singletons.init(
        SingletonActor.of(
            Behaviors.supervise(DisruptionController.create(store, clock))
                .onFailure(SupervisorStrategy.restart()),
            DisruptionController.NAME));
    HollowNodes.Settings hollow = HollowNodes.Settings.fromConfig(akkube);
    HollowNodes.start(
        system,
        store,
        hollow,
        akkube.getConfig("node"),
        address,
        heartbeats,
        HollowNodes.silentNodesFile(akkube),
        clock);
    if (!hollow.firstAddress().isEmpty()) {
      io.akkube.node.proxy.ServiceNetwork.startNodePortProxies(
          system, store, akkube, hollow.addresses(address), "hollow-nodes", clock);
    }
  }
}
