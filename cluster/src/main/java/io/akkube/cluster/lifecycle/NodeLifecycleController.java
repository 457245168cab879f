package io.akkube.cluster.lifecycle;

import akka.actor.typed.ActorRef;
import akka.actor.typed.Behavior;
import akka.actor.typed.javadsl.AbstractBehavior;
import akka.actor.typed.javadsl.ActorContext;
import akka.actor.typed.javadsl.Behaviors;
import akka.actor.typed.javadsl.Receive;
import akka.actor.typed.javadsl.TimerScheduler;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.akkube.cluster.lifecycle.NodeHealth.Observation;
import io.akkube.cluster.lifecycle.NodeHealth.Transition;
import io.akkube.cluster.scheduling.Informer;
import io.akkube.core.CborSerializable;
import io.akkube.core.api.Json;
import io.akkube.core.api.ResourceTypes;
import io.akkube.core.store.ListOptions;
import io.akkube.core.store.ObjectStore;
import io.akkube.core.store.StoredObject;
import io.akkube.core.store.WriteOptions;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * kube's node-lifecycle-controller, a cluster singleton: remembers when each node agent last
 * heartbeated (in memory only — heartbeats are messages, never journal writes), and on a transition
 * ({@link NodeHealth#decide}) writes the Node's Ready condition and unreachable taints, and its
 * pods' Ready=False. The taint eviction controller does the rest.
 */
public final class NodeLifecycleController
    extends AbstractBehavior<NodeLifecycleController.Command> {

  public static final String NAME = "node-lifecycle-controller";
  private static final Logger log = LoggerFactory.getLogger(NodeLifecycleController.class);

  public sealed interface Command {}

  /** A node agent is alive (sent through the singleton proxy from any member). */
  public record Heartbeat(String nodeName) implements Command, CborSerializable {}

  private record Informed(Informer.Update update) implements Command {}

  private record Check() implements Command {}

  private record Written(String nodeName, Transition transition, Throwable failure)
      implements Command {}

  /** Config {@code akkube.node-lifecycle}. */
  public record Settings(
      Duration heartbeatInterval, Duration gracePeriod, Duration monitorPeriod) {}

  private final ObjectStore store;
  private final Settings settings;
  private final Clock clock;
  private final Map<String, ObjectNode> nodes = new HashMap<>();
  private final Map<String, Instant> lastHeartbeat = new HashMap<>();
  private final Map<String, Instant> watchedSince = new HashMap<>();
  private final Set<String> writing = new HashSet<>();

  public static Behavior<Command> create(ObjectStore store, Settings settings, Clock clock) {
    return Behaviors.setup(
        ctx ->
            Behaviors.withTimers(
                timers -> new NodeLifecycleController(ctx, timers, store, settings, clock)));
  }

  private NodeLifecycleController(
      ActorContext<Command> ctx,
      TimerScheduler<Command> timers,
      ObjectStore store,
      Settings settings,
      Clock clock) {
    super(ctx);
    this.store = store;
    this.settings = settings;
    this.clock = clock;
    ActorRef<Informer.Update> informed = ctx.messageAdapter(Informer.Update.class, Informed::new);
    ctx.spawn(Informer.create(store, ResourceTypes.NODES, "", informed), "informer-nodes");
    timers.startTimerWithFixedDelay("check", new Check(), settings.monitorPeriod());
  }

  @Override
  public Receive<Command> createReceive() {
    return newReceiveBuilder()
        .onMessage(Heartbeat.class, this::onHeartbeat)
        .onMessage(Informed.class, this::onInformed)
        .onMessage(Check.class, m -> checkAll())
        .onMessage(Written.class, this::onWritten)
        .build();
  }

  private Behavior<Command> onHeartbeat(Heartbeat m) {
    Instant now = clock.instant();
    lastHeartbeat.put(m.nodeName(), now);
    watchedSince.putIfAbsent(m.nodeName(), now);
    ObjectNode node = nodes.get(m.nodeName());
    if (node != null && NodeHealth.markedUnknown(node)) {
      check(m.nodeName(), now); // back at once, not at the next check
    }
    return this;
  }

  private Behavior<Command> onInformed(Informed m) {
    if (m.update() instanceof Informer.Synced s) {
      nodes.clear();
      s.objects().forEach(this::observe);
    } else if (m.update() instanceof Informer.Changed c) {
      if (c.eventType().equals("DELETED")) {
        String name = Json.name(c.object());
        nodes.remove(name);
        watchedSince.remove(name);
        lastHeartbeat.remove(name);
      } else {
        observe(c.object());
      }
    }
    return this;
  }

  private void observe(ObjectNode node) {
    String name = Json.name(node);
    nodes.put(name, node);
    if (NodeHealth.postedByAnAgent(node)) {
      // a fresh grace period for every node this incarnation finds (fail-over: no mass NotReady)
      watchedSince.putIfAbsent(name, clock.instant());
    }
  }

  private Behavior<Command> checkAll() {
    Instant now = clock.instant();
    List.copyOf(watchedSince.keySet()).forEach(name -> check(name, now));
    return this;
  }

  private void check(String name, Instant now) {
    ObjectNode node = nodes.get(name);
    if (node == null || writing.contains(name)) {
      return;
    }
    Observation o =
        new Observation(
            NodeHealth.markedUnknown(node),
            Optional.ofNullable(lastHeartbeat.get(name)),
            watchedSince.get(name));
    Transition t = NodeHealth.decide(o, now, settings.gracePeriod());
    switch (t) {
      case NONE -> {}
      case TO_UNKNOWN -> {
        log.info(
            "node {}: no heartbeat for {} s, marking it NotReady (Ready=Unknown, {} taints)",
            name,
            settings.gracePeriod().toSeconds(),
            NodeHealth.TAINT_UNREACHABLE);
        write(name, t, markUnknown(name, now));
      }
      case TO_READY -> {
        log.info("node {}: heartbeating again, marking it Ready", name);
        write(name, t, markReady(name, now));
      }
    }
  }

  private void write(String name, Transition t, CompletionStage<?> stage) {
    writing.add(name);
    getContext().pipeToSelf(stage, (ok, failure) -> new Written(name, t, failure));
  }

  private Behavior<Command> onWritten(Written m) {
    writing.remove(m.nodeName());
    if (m.failure() != null) {
      // the next check decides again from the Node the informer then holds
      log.info("node {}: {} not written: {}", m.nodeName(), m.transition(), m.failure().toString());
    }
    return this;
  }

  /** Status first (Ready=Unknown), then the taints, then the pods' Ready=False. */
  private CompletionStage<?> markUnknown(String name, Instant now) {
    return store
        .get(ResourceTypes.NODES, null, name)
        .thenCompose(
            current ->
                writeStatus(
                    current,
                    NodeHealth.unknownStatus((ObjectNode) current.object().path("status"), now)))
        .thenCompose(
            current -> {
              ObjectNode body = current.object().deepCopy();
              body.set(
                  "spec",
                  NodeHealth.withUnreachableTaints(
                      (ObjectNode) current.object().path("spec"), now));
              return store.update(ResourceTypes.NODES, null, name, body, "", WriteOptions.DEFAULT);
            })
        .thenCompose(
            node ->
                store.list(
                    ResourceTypes.PODS,
                    new ListOptions(null, "", "spec.nodeName=" + name, 0, "", "")))
        .thenCompose(
            pods -> {
              CompletableFuture<?>[] writes =
                  pods.items().stream()
                      .map(StoredObject::object)
                      .map(pod -> markPodNotReady(pod, now).toCompletableFuture())
                      .toArray(CompletableFuture[]::new);
              return CompletableFuture.allOf(writes);
            });
  }

  private CompletionStage<?> markPodNotReady(ObjectNode pod, Instant now) {
    ObjectNode status =
        pod.path("status") instanceof ObjectNode s ? s : Json.MAPPER.createObjectNode();
    return NodeHealth.podNotReady(status, now)
        .<CompletionStage<?>>map(
            notReady -> {
              ObjectNode body = pod.deepCopy();
              body.set("status", notReady);
              return store
                  .update(
                      ResourceTypes.PODS,
                      Json.namespace(pod),
                      Json.name(pod),
                      body,
                      "status",
                      WriteOptions.DEFAULT)
                  .exceptionally(
                      failure -> {
                        log.info(
                            "pod {}/{}: Ready=False not written: {}",
                            Json.namespace(pod),
                            Json.name(pod),
                            failure.toString());
                        return null;
                      });
            })
        .orElse(CompletableFuture.completedFuture(null));
  }

  /** Status first (Ready=True), then the taints go. */
  private CompletionStage<?> markReady(String name, Instant now) {
    return store
        .get(ResourceTypes.NODES, null, name)
        .thenCompose(
            current ->
                writeStatus(
                    current,
                    NodeHealth.readyStatus((ObjectNode) current.object().path("status"), now)))
        .thenCompose(
            current -> {
              if (!NodeHealth.hasUnreachableTaint(current.object().path("spec"))) {
                return CompletableFuture.completedFuture(current);
              }
              ObjectNode body = current.object().deepCopy();
              body.set(
                  "spec",
                  NodeHealth.withoutUnreachableTaints((ObjectNode) current.object().path("spec")));
              return store.update(ResourceTypes.NODES, null, name, body, "", WriteOptions.DEFAULT);
            });
  }

  private CompletionStage<StoredObject> writeStatus(StoredObject current, ObjectNode status) {
    ObjectNode body = current.object().deepCopy();
    body.set("status", status);
    return store.update(
        ResourceTypes.NODES,
        null,
        Json.name(current.object()),
        body,
        "status",
        WriteOptions.DEFAULT);
  }
}
