package io.akkube.cluster.pdb;

import akka.actor.typed.ActorRef;
import akka.actor.typed.Behavior;
import akka.actor.typed.javadsl.AbstractBehavior;
import akka.actor.typed.javadsl.ActorContext;
import akka.actor.typed.javadsl.Behaviors;
import akka.actor.typed.javadsl.Receive;
import akka.actor.typed.javadsl.TimerScheduler;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.akkube.cluster.scheduling.Informer;
import io.akkube.core.api.Json;
import io.akkube.core.api.ResourceTypes;
import io.akkube.core.disruption.DisruptionBudget;
import io.akkube.core.object.ObjectLifecycle;
import io.akkube.core.store.ObjectStore;
import io.akkube.core.store.WriteOptions;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * kube's disruption controller, a cluster singleton: keeps the status of every PodDisruptionBudget
 * (expectedPods, currentHealthy, desiredHealthy, disruptionsAllowed, the DisruptionAllowed
 * condition) in step with its pods, and drops disruptedPods entries once they expire. Evictions
 * check the budget themselves (pods/eviction); this is what {@code kubectl get pdb} shows.
 */
public final class DisruptionController extends AbstractBehavior<DisruptionController.Command> {

  public static final String NAME = "disruption-controller";
  private static final Logger log = LoggerFactory.getLogger(DisruptionController.class);
  private static final Duration DEBOUNCE = Duration.ofMillis(200);
  private static final Duration RESYNC = Duration.ofSeconds(30);

  public sealed interface Command {}

  private record Informed(Informer.Update update) implements Command {}

  private record Reconcile() implements Command {}

  private record Resync() implements Command {}

  private final TimerScheduler<Command> timers;
  private final ObjectStore store;
  private final Clock clock;

  /** Budgets by namespace/name. */
  private final Map<String, ObjectNode> budgets = new HashMap<>();

  /** Pods by namespace, then uid. */
  private final Map<String, Map<String, ObjectNode>> pods = new HashMap<>();

  private final Set<String> dirtyNamespaces = new HashSet<>();

  public static Behavior<Command> create(ObjectStore store, Clock clock) {
    return Behaviors.setup(
        ctx -> Behaviors.withTimers(timers -> new DisruptionController(ctx, timers, store, clock)));
  }

  private DisruptionController(
      ActorContext<Command> ctx, TimerScheduler<Command> timers, ObjectStore store, Clock clock) {
    super(ctx);
    this.timers = timers;
    this.store = store;
    this.clock = clock;
    ActorRef<Informer.Update> informed = ctx.messageAdapter(Informer.Update.class, Informed::new);
    ctx.spawn(
        Informer.create(store, ResourceTypes.POD_DISRUPTION_BUDGETS, "", informed),
        "informer-poddisruptionbudgets");
    ctx.spawn(Informer.create(store, ResourceTypes.PODS, "", informed), "informer-pods");
    timers.startTimerWithFixedDelay(new Resync(), RESYNC);
  }

  @Override
  public Receive<Command> createReceive() {
    return newReceiveBuilder()
        .onMessage(Informed.class, this::onInformed)
        .onMessage(Reconcile.class, m -> reconcile())
        .onMessage(
            Resync.class,
            m -> {
              budgets.values().forEach(b -> markDirty(Json.namespace(b)));
              return this;
            })
        .build();
  }

  private Behavior<Command> onInformed(Informed m) {
    boolean isBudget = m.update().type().equals(ResourceTypes.POD_DISRUPTION_BUDGETS);
    if (m.update() instanceof Informer.Synced s) {
      if (isBudget) {
        budgets.clear();
        s.objects().forEach(b -> budgets.put(key(b), b));
      } else {
        pods.clear();
        s.objects().forEach(this::putPod);
      }
      budgets.values().forEach(b -> markDirty(Json.namespace(b)));
    } else if (m.update() instanceof Informer.Changed c) {
      boolean deleted = c.eventType().equals("DELETED");
      ObjectNode o = c.object();
      if (isBudget) {
        if (deleted) {
          budgets.remove(key(o));
        } else {
          budgets.put(key(o), o);
        }
      } else if (deleted) {
        Map<String, ObjectNode> ns = pods.get(Json.namespace(o));
        if (ns != null) {
          ns.remove(Json.metaText(o, "uid"));
        }
      } else {
        putPod(o);
      }
      markDirty(Json.namespace(o));
    }
    return this;
  }

  private void putPod(ObjectNode pod) {
    pods.computeIfAbsent(Json.namespace(pod), k -> new HashMap<>())
        .put(Json.metaText(pod, "uid"), pod);
  }

  private void markDirty(String namespace) {
    if (dirtyNamespaces.add(namespace) && !timers.isTimerActive("reconcile")) {
      timers.startSingleTimer("reconcile", new Reconcile(), DEBOUNCE);
    }
  }

  private static String key(ObjectNode o) {
    return Json.namespace(o) + "/" + Json.name(o);
  }

  private Behavior<Command> reconcile() {
    Instant now = clock.instant();
    for (ObjectNode pdb : budgets.values()) {
      String ns = Json.namespace(pdb);
      if (!dirtyNamespaces.contains(ns)) {
        continue;
      }
      List<ObjectNode> inNamespace = List.copyOf(pods.getOrDefault(ns, Map.of()).values());
      DisruptionBudget budget = DisruptionBudget.of(pdb, inNamespace, now);
      ObjectNode status = status(pdb, budget, now);
      if (status.equals(pdb.path("status"))) {
        continue;
      }
      ObjectNode updated = pdb.deepCopy();
      updated.set("status", status);
      store
          .update(
              ResourceTypes.POD_DISRUPTION_BUDGETS,
              ns,
              Json.name(pdb),
              updated,
              "status",
              WriteOptions.DEFAULT)
          .whenComplete(
              (ok, failure) -> {
                if (failure != null) {
                  // A conflict with an eviction: the change it made brings us back here.
                  log.debug(
                      "status of pdb {}/{} not written: {}",
                      ns,
                      Json.name(pdb),
                      failure.toString());
                }
              });
    }
    dirtyNamespaces.clear();
    return this;
  }

  private static ObjectNode status(ObjectNode pdb, DisruptionBudget budget, Instant now) {
    ObjectNode old = pdb.path("status").isObject() ? (ObjectNode) pdb.path("status") : null;
    ObjectNode status = Json.MAPPER.createObjectNode();
    Map<String, Instant> disrupted = DisruptionBudget.disruptedPods(pdb, now);
    if (!disrupted.isEmpty()) {
      ObjectNode d = status.putObject("disruptedPods");
      disrupted.forEach((n, at) -> d.put(n, ObjectLifecycle.timestamp(at)));
    }
    status.put("disruptionsAllowed", budget.disruptionsAllowed());
    status.put("currentHealthy", budget.currentHealthy());
    status.put("desiredHealthy", budget.desiredHealthy());
    status.put("expectedPods", budget.expectedPods());
    long generation = pdb.path("metadata").path("generation").asLong(1);
    status.put("observedGeneration", generation);
    boolean allowed = budget.disruptionsAllowed() > 0;
    String conditionStatus = allowed ? "True" : "False";
    String transition = ObjectLifecycle.timestamp(now);
    if (old != null) {
      for (var c : old.path("conditions")) {
        if (c.path("type").asText().equals("DisruptionAllowed")
            && c.path("status").asText().equals(conditionStatus)) {
          transition = c.path("lastTransitionTime").asText(transition);
        }
      }
    }
    ObjectNode condition = status.putArray("conditions").addObject();
    condition.put("type", "DisruptionAllowed");
    condition.put("status", conditionStatus);
    condition.put("reason", allowed ? "SufficientPods" : "InsufficientPods");
    condition.put("message", "");
    condition.put("observedGeneration", generation);
    condition.put("lastTransitionTime", transition);
    return status;
  }
}
