package io.akkube.cluster;

import akka.actor.typed.ActorRef;
import akka.actor.typed.ActorSystem;
import akka.actor.typed.Behavior;
import akka.actor.typed.DispatcherSelector;
import akka.actor.typed.Props;
import akka.actor.typed.SupervisorStrategy;
import akka.actor.typed.javadsl.Behaviors;
import akka.cluster.sharding.typed.ClusterShardingSettings;
import akka.cluster.sharding.typed.ShardingEnvelope;
import akka.cluster.sharding.typed.javadsl.ClusterSharding;
import akka.cluster.sharding.typed.javadsl.Entity;
import akka.cluster.sharding.typed.javadsl.EntityTypeKey;
import akka.cluster.typed.Cluster;
import akka.cluster.typed.ClusterSingleton;
import akka.cluster.typed.Join;
import akka.cluster.typed.SingletonActor;
import akka.http.javadsl.Http;
import akka.http.javadsl.ServerBinding;
import akka.pattern.Patterns;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.typesafe.config.Config;
import io.akkube.cluster.gc.GarbageCollector;
import io.akkube.cluster.namespace.NamespaceController;
import io.akkube.cluster.revision.RevisionLog;
import io.akkube.cluster.store.ShardedObjectStore;
import io.akkube.cluster.streams.NodeAgentServer;
import io.akkube.cluster.streams.NodeStreamsRouter;
import io.akkube.cluster.streams.RemoteNodeAgents;
import io.akkube.cluster.watch.WatchCache;
import io.akkube.core.api.ApiException;
import io.akkube.core.api.Json;
import io.akkube.core.api.ResourceType;
import io.akkube.core.api.ResourceTypes;
import io.akkube.core.object.Controllers;
import io.akkube.core.object.EntityWiring;
import io.akkube.core.object.ObjectEntity;
import io.akkube.core.object.ResourceStrategies;
import io.akkube.core.object.RevisionProtocol;
import io.akkube.core.store.ListOptions;
import io.akkube.core.store.ListResult;
import io.akkube.core.store.WriteOptions;
import io.akkube.http.api.ApiServer;
import io.akkube.node.NodeRegistration;
import io.akkube.node.runtime.ContainerRuntime;
import io.akkube.node.streams.NodePodStreams;
import io.akkube.persistence.JournalSetup;
import io.akkube.persistence.ObjectJournal;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One akkube member: the actor system and everything it runs (sharded object entities, revision
 * logs, watch caches, controllers, the API, the node agent), wired from configuration.
 */
public final class AkkubeServer {

  private static final Logger log = LoggerFactory.getLogger(AkkubeServer.class);
  public static final List<String> BUILT_IN_NAMESPACES =
      List.of("default", "kube-system", "kube-public", "kube-node-lease");

  private final ActorSystem<Void> system;
  private final ShardedObjectStore store;
  private final AtomicBoolean ready = new AtomicBoolean();
  private final ServerBinding binding;

  private AkkubeServer(ActorSystem<Void> system, ShardedObjectStore store, ServerBinding binding) {
    this.system = system;
    this.store = store;
    this.binding = binding;
  }

  public ActorSystem<Void> system() {
    return system;
  }

  public ShardedObjectStore store() {
    return store;
  }

  /** The API's port; -1 on a worker-only member (no API). */
  public int apiPort() {
    return binding == null ? -1 : binding.localAddress().getPort();
  }

  public boolean isReady() {
    return ready.get();
  }

  /**
   * Starts a member and blocks until its API is bound and the built-in objects exist; it is ready
   * ({@link #isReady()}, {@code /readyz}) once every kind's list is served.
   */
  public static AkkubeServer start(
      Config config, String bearerToken, String nodeName, javax.net.ssl.SSLContext tls)
      throws Exception {
    ActorSystem<Void> system = ActorSystem.create(Behaviors.empty(), "akkube", config);
    try {
      return start(system, config, bearerToken, nodeName, tls);
    } catch (Exception | Error e) {
      system.terminate();
      throw e;
    }
  }

  private static AkkubeServer start(
      ActorSystem<Void> system,
      Config config,
      String bearerToken,
      String nodeName,
      javax.net.ssl.SSLContext tls)
      throws Exception {
    Cluster cluster = Cluster.get(system);
    // With seed nodes Akka joins them; without, this member starts a cluster of its own.
    if (config.getStringList("akka.cluster.seed-nodes").isEmpty()) {
      cluster.manager().tell(Join.create(cluster.selfMember().address()));
    }
    // A worker-only member serves no API; sharding and singletons are proxies there (their role).
    boolean controlPlane = cluster.selfMember().hasRole("control-plane");
    JournalSetup.createSchema(system).toCompletableFuture().get(60, TimeUnit.SECONDS);

    Config akkube = config.getConfig("akkube");
    Clock clock = Clock.systemUTC();
    ObjectJournal journal = new ObjectJournal(system);
    ClusterSharding sharding = ClusterSharding.get(system);
    ClusterSingleton singletons = ClusterSingleton.get(system);
    Map<ResourceType, EntityTypeKey<ObjectEntity.Command>> keys = new HashMap<>();
    Map<ResourceType, ActorRef<RevisionProtocol.Command>> logs = new HashMap<>();
    Map<ResourceType, ActorRef<WatchCache.Command>> caches = new HashMap<>();
    int ringSize = akkube.getInt("watch-cache.ring-size");
    Duration bookmarks = akkube.getDuration("watch-cache.bookmark-interval");
    for (ResourceType type : ResourceTypes.all()) {
      String name = type.entityTypeName();
      Behavior<RevisionProtocol.Command> logBehavior =
          Behaviors.supervise(RevisionLog.create(type, () -> journal.currentEventsOf(type)))
              .onFailure(
                  SupervisorStrategy.restartWithBackoff(
                      Duration.ofMillis(200), Duration.ofSeconds(10), 0.2));
      ActorRef<RevisionProtocol.Command> revisionLog =
          singletons.init(SingletonActor.of(logBehavior, "revision-log-" + name));
      keys.put(type, EntityTypeKey.create(ObjectEntity.Command.class, name));
      logs.put(type, revisionLog);
      caches.put(
          type,
          system.systemActorOf(
              WatchCache.create(type, revisionLog, ringSize, bookmarks),
              "watch-cache-" + name,
              Props.empty()));
    }
    ShardedObjectStore store =
        new ShardedObjectStore(
            system,
            keys,
            logs,
            caches,
            journal,
            akkube.getInt("watch-cache.watcher-buffer"),
            akkube.getDuration("api.default-watch-timeout"));
    Consumer<ObjectNode> notifyOwner = object -> notifyControllingOwner(sharding, keys, object);
    Duration resync = akkube.getDuration("controllers.resync-interval");
    for (ResourceType type : ResourceTypes.all()) {
      boolean controller = Controllers.kinds().contains(type);
      EntityWiring wiring =
          new EntityWiring(
              ResourceStrategies.of(type),
              logs.get(type),
              Controllers.of(type, store),
              notifyOwner,
              resync,
              clock);
      Entity<ObjectEntity.Command, ShardingEnvelope<ObjectEntity.Command>> entity =
          Entity.of(keys.get(type), ctx -> ObjectEntity.create(type, ctx.getEntityId(), wiring));
      if (controller) {
        // Controllers must run without being asked (DESIGN.md §3): remembered across restarts.
        entity =
            entity.withSettings(ClusterShardingSettings.create(system).withRememberEntities(true));
      }
      sharding.init(entity);
    }

    // --- services (issue 6): allocation before Service writes, endpoints controller ---
    io.akkube.cluster.services.ServiceComponents services =
        io.akkube.cluster.services.ServiceComponents.start(
            system, singletons, store, akkube, clock);
    // --- end services ---
    AtomicBoolean ready = new AtomicBoolean();
    // pods/{name}/log and exec: forwarded to the agent of the pod's node (this member's is
    // registered below; another member's is found through the receptionist, docs/decisions/0017)
    RemoteNodeAgents remoteAgents =
        new RemoteNodeAgents(system, akkube.getDuration("api.node-agent-timeout"));
    NodeStreamsRouter podStreams = new NodeStreamsRouter(store, remoteAgents);
    // nodes/{name}/proxy/stats/summary and metrics.k8s.io: from the node agents (issue 8)
    io.akkube.cluster.stats.NodeSummaryRouter summaries =
        new io.akkube.cluster.stats.NodeSummaryRouter(remoteAgents);
    ApiServer api =
        new ApiServer(
            system,
            store,
            bearerToken,
            ready::get,
            clock,
            akkube.getBytes("api.max-request-bytes"),
            podStreams,
            summaries);
    ServerBinding binding =
        !controlPlane
            ? null
            : Http.get(system)
                .newServerAt(akkube.getString("api.bind"), akkube.getInt("api.port"))
                .enableHttps(akka.http.javadsl.ConnectionContext.httpsServer(tls))
                .bind(api::handle)
                .toCompletableFuture()
                .get(30, TimeUnit.SECONDS);
    if (controlPlane) {
      binding.addToCoordinatedShutdown(Duration.ofSeconds(5), system);
      createBuiltInNamespaces(store);
      services.keepMasterService(
          system, store, akkube.getString("api.bind"), binding.localAddress().getPort());
    }
    new NodeRegistration(store, nodeName, akkube.getString("api.bind"))
        .register(clock.instant())
        .toCompletableFuture()
        .get(60, TimeUnit.SECONDS);
    // --- node lifecycle (issue 7): heartbeats of the node agents to its singleton ---
    io.akkube.node.Heartbeats heartbeats =
        io.akkube.cluster.lifecycle.NodeLifecycle.start(system, singletons, store, akkube, clock);
    if (!akkube.getBoolean("node.enabled")) {
      io.akkube.cluster.lifecycle.NodeLifecycle.startMemberHeartbeats(system, heartbeats, nodeName);
    }
    // --- end node lifecycle ---
    // --- node agent (issue 3, node module): runs the pods bound to this machine's Node ---
    if (akkube.getBoolean("node.enabled")) {
      Config node = akkube.getConfig("node");
      // --runtime auto|docker-api|process (issue 8)
      ContainerRuntime runtime =
          io.akkube.node.runtime.docker.RuntimeSelection.select(
              node,
              nodeName,
              akkube.getString("api.bind"),
              () -> io.akkube.node.NodeAgent.processRuntime(node),
              clock);
      system.systemActorOf(
          io.akkube.node.NodeAgent.fromConfig(
              store, node, runtime, nodeName, akkube.getString("api.bind"), heartbeats, clock),
          "node-agent",
          Props.empty());
      NodePodStreams agentStreams =
          NodePodStreams.forNode(
              store,
              runtime,
              Path.of(node.getString("state-dir")),
              system.dispatchers().lookup(DispatcherSelector.blocking()));
      io.akkube.node.stats.SummaryProvider agentSummary =
          new io.akkube.node.stats.SummaryProvider(
              nodeName,
              store,
              runtime,
              system.dispatchers().lookup(DispatcherSelector.blocking()),
              clock);
      podStreams.register(nodeName, agentStreams);
      summaries.register(nodeName, agentSummary);
      // the same for the API of the other members
      system.systemActorOf(
          NodeAgentServer.create(nodeName, agentStreams, agentSummary::summary),
          "node-agent-server",
          Props.empty());
      // Services on this machine: cluster DNS and the node's proxy (issue 6)
      io.akkube.node.proxy.ServiceNetwork.start(
          system, store, akkube, nodeName, akkube.getString("api.bind"), clock);
    }
    // --- end node agent ---
    // --- scheduling (issue 4): scheduler, taint eviction, disruption budgets, hollow nodes ---
    io.akkube.cluster.scheduling.SchedulingComponents.start(
        system, singletons, store, akkube, akkube.getString("api.bind"), heartbeats, clock);
    // --- end scheduling ---
    singletons.init(
        SingletonActor.of(
            Behaviors.supervise(NamespaceController.create(store, Duration.ofSeconds(1)))
                .onFailure(SupervisorStrategy.restart()),
            "namespace-controller"));
    singletons.init(
        SingletonActor.of(
            Behaviors.supervise(
                    io.akkube.cluster.events.EventTtl.create(
                        store,
                        akkube.hasPath("events.ttl")
                            ? akkube.getDuration("events.ttl")
                            : Duration.ofHours(1),
                        clock))
                .onFailure(SupervisorStrategy.restart()),
            "event-ttl"));
    singletons.init(
        SingletonActor.of(
            Behaviors.supervise(GarbageCollector.create(store, Duration.ofSeconds(1)))
                .onFailure(SupervisorStrategy.restart()),
            "garbage-collector"));

    AkkubeServer server = new AkkubeServer(system, store, binding);
    log.info("akkube API serving on {}:{}", akkube.getString("api.bind"), server.apiPort());
    // Ready (/readyz) once every kind's list is served, as kube-apiserver's readyz waits for its
    // watch caches: after a restart each revision log first rebuilds its kind from the journal.
    long started = System.nanoTime();
    CompletableFuture.allOf(
            ResourceTypes.all().stream()
                .map(type -> listServed(system, store, type).toCompletableFuture())
                .toArray(CompletableFuture[]::new))
        .thenRun(
            () -> {
              ready.set(true);
              server.ready.set(true);
              log.info(
                  "akkube ready: every kind's list served after {} ms",
                  (System.nanoTime() - started) / 1_000_000);
            });
    return server;
  }

  /**
   * Completes once a consistent list of {@code type} is served: its revision log has rebuilt the
   * kind and this member's watch cache has caught up. Asks again a second after a failure (a list
   * times out while a large kind is being rebuilt).
   */
  private static CompletionStage<ListResult> listServed(
      ActorSystem<?> system, ShardedObjectStore store, ResourceType type) {
    return store
        .list(type, new ListOptions(null, "", "", 1, "", ""))
        .handle(
            (served, failure) ->
                failure == null
                    ? CompletableFuture.completedFuture(served)
                    : Patterns.after(
                        Duration.ofSeconds(1),
                        system.classicSystem().scheduler(),
                        system.executionContext(),
                        () -> listServed(system, store, type)))
        .thenCompose(next -> next);
  }

  /** Tells the controlling owner of a changed object (ownerReference controller=true) about it. */
  private static void notifyControllingOwner(
      ClusterSharding sharding,
      Map<ResourceType, EntityTypeKey<ObjectEntity.Command>> keys,
      ObjectNode object) {
    for (JsonNode ref : object.path("metadata").path("ownerReferences")) {
      if (!ref.path("controller").asBoolean(false)) {
        continue;
      }
      ResourceTypes.byKind(ref.path("apiVersion").asText(), ref.path("kind").asText())
          .filter(owner -> Controllers.kinds().contains(owner))
          .ifPresent(
              owner ->
                  sharding
                      .entityRefFor(
                          keys.get(owner),
                          owner.entityId(Json.namespace(object), ref.path("name").asText()))
                      .tell(new ObjectEntity.ChildChanged(Json.name(object))));
    }
  }

  private static void createBuiltInNamespaces(ShardedObjectStore store) throws Exception {
    for (String name : BUILT_IN_NAMESPACES) {
      ObjectNode ns = Json.MAPPER.createObjectNode();
      ns.put("apiVersion", "v1");
      ns.put("kind", "Namespace");
      Json.meta(ns).put("name", name);
      store
          .create(ResourceTypes.NAMESPACES, null, ns, WriteOptions.DEFAULT)
          .toCompletableFuture()
          .handle(
              (ok, failure) -> {
                Throwable cause =
                    failure instanceof CompletionException ? failure.getCause() : failure;
                if (cause != null
                    && !(cause instanceof ApiException api && api.status().code() == 409)) {
                  throw new CompletionException(cause);
                }
                return null;
              })
          .get(60, TimeUnit.SECONDS);
    }
  }

  /** Graceful stop: coordinated shutdown hands over shards and singletons, then terminates. */
  public void stop() throws Exception {
    system.terminate();
    system.getWhenTerminated().toCompletableFuture().get(60, TimeUnit.SECONDS);
  }
}
