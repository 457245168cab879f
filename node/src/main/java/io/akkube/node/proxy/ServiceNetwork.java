package io.akkube.node.proxy;

import akka.Done;
import akka.actor.CoordinatedShutdown;
import akka.actor.typed.ActorRef;
import akka.actor.typed.ActorSystem;
import akka.actor.typed.Props;
import com.typesafe.config.Config;
import io.akkube.core.store.ObjectStore;
import io.akkube.node.dns.ClusterDns;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;

/**
 * Starts what makes Services carry traffic on this machine, from config {@code akkube}: the cluster
 * DNS ({@code akkube.dns}), the node's service proxy ({@code akkube.node.proxy}) and the one
 * Services/Endpoints watch that feeds both. A DNS address already taken (another akkube on this
 * machine) is logged and skipped, never fatal.
 */
public final class ServiceNetwork {

  private static final org.slf4j.Logger log =
      org.slf4j.LoggerFactory.getLogger(ServiceNetwork.class);

  private ServiceNetwork() {}

  public static void start(
      ActorSystem<?> system,
      ObjectStore store,
      Config akkube,
      String nodeName,
      String nodeAddress,
      Clock clock) {
    List<Consumer<ServiceCatalog>> subscribers = new ArrayList<>();
    if (akkube.getBoolean("dns.enabled")) {
      ClusterDns.Settings settings = ClusterDns.Settings.fromConfig(akkube.getConfig("dns"));
      try {
        ClusterDns dns = ClusterDns.start(system, settings);
        subscribers.add(dns::update);
        CoordinatedShutdown.get(system)
            .addTask(
                CoordinatedShutdown.PhaseServiceUnbind(),
                "cluster-dns",
                () -> {
                  dns.close();
                  return CompletableFuture.completedFuture(Done.getInstance());
                });
      } catch (Exception e) {
        log.warn(
            "cluster DNS not served: cannot bind {}:{}: {}",
            settings.address(),
            settings.port(),
            e.toString());
      }
    }
    Config proxy = akkube.getConfig("node.proxy");
    if (proxy.getBoolean("enabled")) {
      ActorRef<ServiceProxy.Command> ref =
          system.systemActorOf(
              ServiceProxy.create(
                  ServiceProxy.Settings.fromConfig(proxy, nodeName, nodeAddress),
                  clock,
                  new RoutabilityCondition(store, nodeName, clock)),
              "service-proxy-" + nodeName,
              Props.empty());
      subscribers.add(catalog -> ref.tell(new ServiceProxy.CatalogChanged(catalog)));
    }
    watch(system, store, subscribers, nodeName);
  }

  /**
   * One proxy per simulated node ({@code nodes}: name → address) serving only that node's NodePorts
   * on its address, all fed by one Services/Endpoints watch; nothing when {@code
   * akkube.node.proxy.enabled} is off.
   */
  public static void startNodePortProxies(
      ActorSystem<?> system,
      ObjectStore store,
      Config akkube,
      Map<String, String> nodes,
      String watchName,
      Clock clock) {
    Config proxy = akkube.getConfig("node.proxy");
    if (!proxy.getBoolean("enabled") || nodes.isEmpty()) {
      return;
    }
    List<Consumer<ServiceCatalog>> subscribers = new ArrayList<>();
    nodes.forEach(
        (name, address) ->
            subscribers.add(
                proxy(
                    system,
                    ServiceProxy.Settings.fromConfig(proxy, name, address).nodePortsOnly(),
                    clock)));
    watch(system, store, subscribers, watchName);
  }

  private static Consumer<ServiceCatalog> proxy(
      ActorSystem<?> system, ServiceProxy.Settings settings, Clock clock) {
    ActorRef<ServiceProxy.Command> ref =
        system.systemActorOf(
            ServiceProxy.create(settings, clock),
            "service-proxy-" + settings.nodeName(),
            Props.empty());
    return catalog -> ref.tell(new ServiceProxy.CatalogChanged(catalog));
  }

  private static void watch(
      ActorSystem<?> system,
      ObjectStore store,
      List<Consumer<ServiceCatalog>> subscribers,
      String name) {
    if (!subscribers.isEmpty()) {
      system.systemActorOf(
          ServiceWatch.create(store, subscribers, Duration.ofMillis(20)),
          "service-watch-" + name,
          Props.empty());
    }
  }
}
