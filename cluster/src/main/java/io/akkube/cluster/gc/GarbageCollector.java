package io.akkube.cluster.gc;

import akka.actor.typed.ActorRef;
import akka.actor.typed.Behavior;
import akka.actor.typed.javadsl.ActorContext;
import akka.actor.typed.javadsl.Behaviors;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.akkube.cluster.gc.GarbageCollection.Item;
import io.akkube.cluster.scheduling.Informer;
import io.akkube.core.api.ApiException;
import io.akkube.core.api.Json;
import io.akkube.core.api.ResourceType;
import io.akkube.core.api.ResourceTypes;
import io.akkube.core.store.DeleteOptions;
import io.akkube.core.store.ObjectStore;
import io.akkube.core.store.WriteOptions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The garbage collector (cluster singleton), Kubernetes' graph builder in small: an informer per
 * kind keeps the uids of every object and the objects that take part in garbage collection (those
 * with ownerReferences or being deleted). After a change that can matter (such an object's owner
 * references, finalizers or deletion changed, or any object was deleted) it applies {@link
 * GarbageCollection}'s plan to them, at most once per {@code interval}, and at least every {@link
 * #RESWEEP} whatever changed. An owner missing from the informers is only gone if a live read
 * agrees. The state is rebuilt from the informers' lists after a restart, so dependents left behind
 * by a crash are collected then.
 *
 * <p>The plan over these objects is the plan over every object: an owner that exists, is not being
 * deleted and has no owners itself only ever counts as a solid owner, which is what {@code plan}
 * makes of an owner it does not know and that is not confirmed absent.
 */
public final class GarbageCollector {

  private static final Logger log = LoggerFactory.getLogger(GarbageCollector.class);

  /** A sweep even without a change that matters: a safety net, as an informer's resync. */
  static final Duration RESWEEP = Duration.ofSeconds(60);

  /** What the collector handles. */
  public sealed interface Command {}

  private record Informed(Informer.Update update) implements Command {}

  private enum Tick implements Command {
    INSTANCE
  }

  /** A sweep ended; {@code again}: it acted or could not decide, so the next tick sweeps again. */
  private record Swept(boolean again) implements Command {}

  private final ActorContext<Command> ctx;
  private final ObjectStore store;
  private final Duration interval;

  /** Per kind: the uid of each object by key, and the objects that take part (by key). */
  private final Map<ResourceType, Map<String, String>> uids = new HashMap<>();

  private final Map<ResourceType, Map<String, Item>> taking = new HashMap<>();
  private final Set<String> present = new HashSet<>();
  private final Set<ResourceType> synced = new HashSet<>();
  private boolean dirty;
  private boolean sweeping;
  private long ticksSinceSweep;

  private GarbageCollector(ActorContext<Command> ctx, ObjectStore store, Duration interval) {
    this.ctx = ctx;
    this.store = store;
    this.interval = interval;
  }

  public static Behavior<Command> create(ObjectStore store, Duration interval) {
    return Behaviors.setup(
        ctx ->
            Behaviors.withTimers(
                timers -> {
                  ActorRef<Informer.Update> informed =
                      ctx.messageAdapter(Informer.Update.class, Informed::new);
                  for (ResourceType type : kinds()) {
                    ctx.spawn(
                        Informer.create(store, type, "", informed),
                        "informer-" + type.entityTypeName());
                  }
                  timers.startTimerWithFixedDelay(Tick.INSTANCE, interval);
                  return new GarbageCollector(ctx, store, interval).behavior();
                }));
  }

  /** Every kind but events (nothing owns them, and they are many). */
  static List<ResourceType> kinds() {
    return ResourceTypes.all().stream().filter(t -> !t.equals(ResourceTypes.EVENTS)).toList();
  }

  private Behavior<Command> behavior() {
    return Behaviors.receive(Command.class)
        .onMessage(Informed.class, m -> onInformed(m.update()))
        .onMessageEquals(Tick.INSTANCE, this::onTick)
        .onMessage(
            Swept.class,
            s -> {
              sweeping = false;
              dirty |= s.again();
              return Behaviors.same();
            })
        .build();
  }

  private Behavior<Command> onInformed(Informer.Update update) {
    ResourceType type = update.type();
    Map<String, String> kindUids = uids.computeIfAbsent(type, t -> new HashMap<>());
    Map<String, Item> kindTaking = taking.computeIfAbsent(type, t -> new HashMap<>());
    if (update instanceof Informer.Synced s) {
      present.removeAll(kindUids.values());
      kindUids.clear();
      kindTaking.clear();
      for (ObjectNode object : s.objects()) {
        known(type, object);
      }
      synced.add(type);
      dirty = true;
    } else if (update instanceof Informer.Changed c) {
      String key = keyOf(type, c.object());
      if (c.eventType().equals("DELETED")) {
        String uid = Json.metaText(c.object(), "uid");
        if (uid.equals(kindUids.get(key))) {
          kindUids.remove(key);
          kindTaking.remove(key);
        }
        present.remove(uid);
        dirty = true;
      } else {
        String before = kindUids.get(key);
        if (before != null && !before.equals(Json.metaText(c.object(), "uid"))) {
          present.remove(before);
        }
        Item was = kindTaking.remove(key);
        boolean takesPart = known(type, c.object());
        dirty |= takesPart != (was != null) || (takesPart && !sameForCollection(was, c.object()));
      }
    }
    return Behaviors.same();
  }

  /** Records an object; true when it takes part in garbage collection. */
  private boolean known(ResourceType type, ObjectNode object) {
    String key = keyOf(type, object);
    String uid = Json.metaText(object, "uid");
    uids.get(type).put(key, uid);
    present.add(uid);
    if (!takesPart(object)) {
      return false;
    }
    taking.get(type).put(key, new Item(type, object));
    return true;
  }

  /** Whether the plan needs to see this object: it has owners or is being deleted. */
  static boolean takesPart(ObjectNode object) {
    JsonNode meta = object.path("metadata");
    return meta.path("ownerReferences").size() > 0 || meta.has("deletionTimestamp");
  }

  /**
   * Whether a change leaves what the plan reads of an object as it was: its uid, owner references,
   * finalizers and whether it is being deleted (a pod's status writes, for instance, do not
   * matter).
   */
  private static boolean sameForCollection(Item was, ObjectNode now) {
    JsonNode before = was.object().path("metadata");
    JsonNode after = now.path("metadata");
    return before.path("uid").equals(after.path("uid"))
        && before.path("ownerReferences").equals(after.path("ownerReferences"))
        && before.path("finalizers").equals(after.path("finalizers"))
        && before.has("deletionTimestamp") == after.has("deletionTimestamp");
  }

  private static String keyOf(ResourceType type, ObjectNode object) {
    return type.entityId(Json.namespace(object), Json.name(object));
  }

  private Behavior<Command> onTick() {
    ticksSinceSweep++;
    boolean due = dirty || ticksSinceSweep * interval.toMillis() >= RESWEEP.toMillis();
    if (sweeping || !due || synced.size() < kinds().size()) {
      return Behaviors.same();
    }
    dirty = false;
    sweeping = true;
    ticksSinceSweep = 0;
    List<Item> items = new ArrayList<>();
    taking.values().forEach(byKey -> items.addAll(byKey.values()));
    Set<String> missing = GarbageCollection.missingOwners(items);
    missing.removeAll(present);
    ctx.pipeToSelf(
        sweep(store, items, missing),
        (again, failure) -> {
          if (failure != null) {
            log.warn("garbage collection failed: {}", failure.toString());
          }
          return new Swept(failure != null || again);
        });
    return Behaviors.same();
  }

  /**
   * One pass over the objects that take part; {@code missing} are the owner uids no informer knows.
   * Completes with true when it acted or a live read failed: the next tick looks again.
   */
  static CompletionStage<Boolean> sweep(ObjectStore store, List<Item> items, Set<String> missing) {
    return confirmAbsent(store, items, missing)
        .thenCompose(
            confirmed -> {
              List<GarbageCollection.Action> actions =
                  GarbageCollection.plan(items, confirmed.absent());
              return apply(store, actions).thenApply(v -> !actions.isEmpty() || confirmed.unsure());
            });
  }

  /** Owner uids confirmed gone; {@code unsure} when a live read failed (try again later). */
  private record Confirmed(Set<String> absent, boolean unsure) {}

  /**
   * The informers of different kinds see changes at slightly different moments: an owner missing
   * from them is only gone if a live read of it (by kind, namespace and name) agrees (isDangling).
   */
  private static CompletionStage<Confirmed> confirmAbsent(
      ObjectStore store, List<Item> items, Set<String> missing) {
    if (missing.isEmpty()) {
      return CompletableFuture.completedFuture(new Confirmed(Set.of(), false));
    }
    // Per owner uid: true gone, false present, null could not tell.
    Map<String, CompletableFuture<Boolean>> checks = new HashMap<>();
    for (Item item : items) {
      for (JsonNode ref : item.object().path("metadata").path("ownerReferences")) {
        String uid = ref.path("uid").asText();
        if (!missing.contains(uid) || checks.containsKey(uid)) {
          continue;
        }
        var ownerType =
            ResourceTypes.byKind(ref.path("apiVersion").asText(), ref.path("kind").asText());
        if (ownerType.isEmpty()) {
          continue;
        }
        String ns = ownerType.get().namespaced() ? Json.namespace(item.object()) : null;
        checks.put(
            uid,
            store
                .get(ownerType.get(), ns, ref.path("name").asText())
                .handle(
                    (owner, failure) -> {
                      if (failure != null) {
                        Throwable cause =
                            failure instanceof CompletionException ? failure.getCause() : failure;
                        return cause instanceof ApiException api && api.status().code() == 404
                            ? Boolean.TRUE
                            : null;
                      }
                      return !uid.equals(Json.metaText(owner.object(), "uid"));
                    })
                .toCompletableFuture());
      }
    }
    return CompletableFuture.allOf(checks.values().toArray(CompletableFuture[]::new))
        .thenApply(
            v -> {
              Set<String> absent = new HashSet<>();
              boolean unsure = false;
              for (var check : checks.entrySet()) {
                Boolean gone = check.getValue().join();
                unsure |= gone == null;
                if (Boolean.TRUE.equals(gone)) {
                  absent.add(check.getKey());
                }
              }
              return new Confirmed(absent, unsure);
            });
  }

  private static CompletionStage<Void> apply(
      ObjectStore store, List<GarbageCollection.Action> actions) {
    List<CompletableFuture<?>> work = new ArrayList<>();
    for (GarbageCollection.Action action : actions) {
      Item item = action.item();
      ObjectNode obj = item.object();
      String ns = item.type().namespaced() ? Json.namespace(obj) : null;
      String name = Json.name(obj);
      CompletionStage<?> stage;
      if (action instanceof GarbageCollection.Delete d) {
        log.debug("deleting {} ({}): its owners are gone", item, d.propagationPolicy());
        stage =
            store.delete(
                item.type(),
                ns,
                name,
                new DeleteOptions(null, item.uid(), null, d.propagationPolicy(), false));
      } else if (action instanceof GarbageCollection.RemoveReferences r) {
        ObjectNode copy = obj.deepCopy();
        ArrayNode kept = Json.MAPPER.createArrayNode();
        for (JsonNode ref : obj.path("metadata").path("ownerReferences")) {
          if (!r.ownerUids().contains(ref.path("uid").asText())) {
            kept.add(ref);
          }
        }
        if (kept.isEmpty()) {
          Json.meta(copy).remove("ownerReferences");
        } else {
          Json.meta(copy).set("ownerReferences", kept);
        }
        stage = store.update(item.type(), ns, name, copy, null, WriteOptions.DEFAULT);
      } else if (action instanceof GarbageCollection.RemoveFinalizer f) {
        ObjectNode copy = obj.deepCopy();
        ArrayNode kept = Json.MAPPER.createArrayNode();
        for (JsonNode fin : obj.path("metadata").path("finalizers")) {
          if (!f.finalizer().equals(fin.asText())) {
            kept.add(fin);
          }
        }
        if (kept.isEmpty()) {
          Json.meta(copy).remove("finalizers");
        } else {
          Json.meta(copy).set("finalizers", kept);
        }
        stage = store.update(item.type(), ns, name, copy, null, WriteOptions.DEFAULT);
      } else {
        continue;
      }
      work.add(
          stage
              .handle(
                  (ok, failure) -> {
                    if (failure != null) {
                      log.debug("garbage collection of {} deferred: {}", item, failure.toString());
                    }
                    return null;
                  })
              .toCompletableFuture());
    }
    return CompletableFuture.allOf(work.toArray(CompletableFuture[]::new));
  }
}
