package io.akkube.cluster.services;

import akka.actor.typed.ActorRef;
import akka.actor.typed.ActorSystem;
import akka.actor.typed.SupervisorStrategy;
import akka.actor.typed.javadsl.Behaviors;
import akka.cluster.typed.ClusterSingleton;
import akka.cluster.typed.SingletonActor;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.typesafe.config.Config;
import io.akkube.cluster.endpoints.EndpointsController;
import io.akkube.cluster.store.ShardedObjectStore;
import io.akkube.core.api.ApiException;
import io.akkube.core.api.Json;
import io.akkube.core.api.ResourceTypes;
import io.akkube.core.store.ObjectStore;
import io.akkube.core.store.WriteOptions;
import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What a member runs for Services (issue 6): the cluster IP and node port allocator with its repair
 * loop, the store's allocation step for Service writes, the endpoints controller, and the {@code
 * default/kubernetes} service that points at the API.
 */
public final class ServiceComponents {

  private static final Duration REPAIR_INTERVAL = Duration.ofMinutes(1);
  private static final Duration MASTER_SERVICE_INTERVAL = Duration.ofSeconds(10);
  private static final Logger log = LoggerFactory.getLogger(ServiceComponents.class);

  private final ServiceIpRange ipRange;

  private ServiceComponents(ServiceIpRange ipRange) {
    this.ipRange = ipRange;
  }

  /** Starts the singletons and hooks Service writes; before the API serves. */
  public static ServiceComponents start(
      ActorSystem<?> system,
      ClusterSingleton singletons,
      ShardedObjectStore store,
      Config akkube,
      Clock clock) {
    ServiceIpRange ipRange = ServiceIpRange.parse(akkube.getString("services.cluster-ip-range"));
    NodePortRange portRange = NodePortRange.parse(akkube.getString("services.node-port-range"));
    ActorRef<ServiceAllocator.Command> allocator =
        singletons.init(
            SingletonActor.of(
                Behaviors.supervise(ServiceAllocator.create(ipRange, portRange, clock))
                    .onFailure(
                        SupervisorStrategy.restartWithBackoff(
                            Duration.ofMillis(200), Duration.ofSeconds(10), 0.2)),
                ServiceAllocator.NAME));
    store.hookWrites(ResourceTypes.SERVICES, new ServiceAllocation(system, allocator));
    singletons.init(
        SingletonActor.of(
            Behaviors.supervise(AllocationRepair.create(store, allocator, REPAIR_INTERVAL, clock))
                .onFailure(SupervisorStrategy.restart()),
            AllocationRepair.NAME));
    singletons.init(
        SingletonActor.of(
            Behaviors.supervise(EndpointsController.create(store))
                .onFailure(SupervisorStrategy.restart()),
            EndpointsController.NAME));
    return new ServiceComponents(ipRange);
  }

  /**
   * Keeps the master service (below) in place: now, then every 10 s, as the API server's controller
   * does, so a deleted {@code kubernetes} service comes back.
   */
  public void keepMasterService(ActorSystem<?> system, ObjectStore store, String bind, int apiPort)
      throws Exception {
    ensureMasterService(store, bind, apiPort).toCompletableFuture().get(60, TimeUnit.SECONDS);
    system
        .scheduler()
        .scheduleWithFixedDelay(
            MASTER_SERVICE_INTERVAL,
            MASTER_SERVICE_INTERVAL,
            () ->
                ensureMasterService(store, bind, apiPort)
                    .whenComplete(
                        (ok, failure) -> {
                          if (failure != null) {
                            log.warn("kubernetes service not ensured: {}", failure.toString());
                          }
                        }),
            system.executionContext());
  }

  /**
   * The master service, as the API server's controller keeps it: {@code default/kubernetes}, the
   * first address of the service range, port 443 (https) to the API's port, and Endpoints listing
   * this member's API address (added to those of other members).
   */
  CompletionStage<Void> ensureMasterService(ObjectStore store, String bind, int apiPort) {
    String address = bind.equals("0.0.0.0") || bind.isEmpty() ? "127.0.0.1" : bind;
    ObjectNode service =
        parse(
            "{\"apiVersion\":\"v1\",\"kind\":\"Service\",\"metadata\":{\"name\":\"kubernetes\","
                + "\"namespace\":\"default\",\"labels\":{\"component\":\"apiserver\","
                + "\"provider\":\"kubernetes\"}},\"spec\":{\"type\":\"ClusterIP\",\"clusterIP\":\""
                + ipRange.address(0)
                + "\",\"ports\":[{\"name\":\"https\",\"port\":443,\"protocol\":\"TCP\","
                + "\"targetPort\":"
                + apiPort
                + "}],\"sessionAffinity\":\"None\"}}");
    return createMasterService(store, service, 20)
        .thenCompose(
            ok ->
                store
                    .get(ResourceTypes.ENDPOINTS, "default", "kubernetes")
                    .handle((current, failure) -> failure == null ? current.object() : null))
        .thenCompose(
            current -> {
              ObjectNode endpoints =
                  current != null
                      ? current.deepCopy()
                      : parse(
                          "{\"apiVersion\":\"v1\",\"kind\":\"Endpoints\",\"metadata\":{"
                              + "\"name\":\"kubernetes\",\"namespace\":\"default\",\"labels\":{"
                              + "\"endpointslice.kubernetes.io/skip-mirror\":\"true\"}}}");
              ObjectNode subset =
                  endpoints.path("subsets").size() > 0
                      ? (ObjectNode) endpoints.path("subsets").get(0)
                      : endpoints.putArray("subsets").addObject();
              for (var a : subset.path("addresses")) {
                if (a.path("ip").asText().equals(address)) {
                  return java.util.concurrent.CompletableFuture.completedFuture(null);
                }
              }
              subset.withArray("addresses").addObject().put("ip", address);
              subset.remove("ports");
              subset
                  .putArray("ports")
                  .addObject()
                  .put("name", "https")
                  .put("port", apiPort)
                  .put("protocol", "TCP");
              return ignoreConflict(
                  current == null
                      ? store.create(
                          ResourceTypes.ENDPOINTS, "default", endpoints, WriteOptions.DEFAULT)
                      : store.update(
                          ResourceTypes.ENDPOINTS,
                          "default",
                          "kubernetes",
                          endpoints,
                          null,
                          WriteOptions.DEFAULT));
            });
  }

  /**
   * Creates the master service unless it exists. Members starting together race for its fixed
   * address: the loser's allocation fails (422 "already allocated") while the winner's create is
   * still in flight, so that answer means "look again" — the service exists soon, or the winner
   * failed and this member tries once more.
   */
  private static CompletionStage<Void> createMasterService(
      ObjectStore store, ObjectNode service, int attempts) {
    return store
        .create(ResourceTypes.SERVICES, "default", service.deepCopy(), WriteOptions.DEFAULT)
        .handle(
            (ok, failure) -> {
              Throwable cause = failure instanceof CompletionException c ? c.getCause() : failure;
              if (cause == null
                  || cause instanceof ApiException api && api.status().code() == 409) {
                return java.util.concurrent.CompletableFuture.<Void>completedFuture(null);
              }
              boolean raced =
                  cause instanceof ApiException api
                      && api.status().code() == 422
                      && api.status().message().contains("already allocated");
              if (!raced || attempts <= 1) {
                return java.util.concurrent.CompletableFuture.<Void>failedFuture(cause);
              }
              return store
                  .get(ResourceTypes.SERVICES, "default", "kubernetes")
                  .handle((existing, missing) -> missing == null)
                  .thenCompose(
                      exists ->
                          exists
                              ? java.util.concurrent.CompletableFuture.<Void>completedFuture(null)
                              : java.util.concurrent.CompletableFuture.supplyAsync(
                                      () -> null,
                                      java.util.concurrent.CompletableFuture.delayedExecutor(
                                          250, java.util.concurrent.TimeUnit.MILLISECONDS))
                                  .thenCompose(
                                      v -> createMasterService(store, service, attempts - 1)));
            })
        .thenCompose(next -> next);
  }

  private static ObjectNode parse(String json) {
    return Json.parseObject(json.getBytes(java.nio.charset.StandardCharsets.UTF_8));
  }

  private static CompletionStage<Void> ignoreConflict(CompletionStage<?> write) {
    return write.handle(
        (ok, failure) -> {
          Throwable cause = failure instanceof CompletionException c ? c.getCause() : failure;
          if (cause != null && !(cause instanceof ApiException api && api.status().code() == 409)) {
            throw new CompletionException(cause);
          }
          return null;
        });
  }
}
