package io.akkube.cluster.endpoints;

import akka.actor.typed.ActorRef;
import akka.actor.typed.Behavior;
import akka.actor.typed.javadsl.AbstractBehavior;
import akka.actor.typed.javadsl.ActorContext;
import akka.actor.typed.javadsl.Behaviors;
import akka.actor.typed.javadsl.Receive;
import akka.actor.typed.javadsl.TimerScheduler;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.akkube.cluster.scheduling.Informer;
import io.akkube.core.api.ApiException;
import io.akkube.core.api.Json;
import io.akkube.core.api.ResourceType;
import io.akkube.core.api.ResourceTypes;
import io.akkube.core.store.DeleteOptions;
import io.akkube.core.store.ObjectStore;
import io.akkube.core.store.StoredObject;
import io.akkube.core.store.WriteOptions;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;

/**
 * The endpoints and endpointslice controllers in one cluster singleton: keeps, for every service
 * with a selector, the Endpoints object of the same name and one EndpointSlice ({@code <service>-<5
 * random>}) in step with the service's pods ({@link EndpointsComputation}). Writes only what
 * differs from what the objects already say. Services without a selector are left alone (their
 * hand-written Endpoints stay); a deleted service's Endpoints and slices are deleted.
 */
public final class EndpointsController extends AbstractBehavior<EndpointsController.Command> {

  public static final String NAME = "endpoints-controller";
  private static final Duration DEBOUNCE = Duration.ofMillis(50);
  private static final Duration RETRY = Duration.ofSeconds(1);
  private static final Duration RESYNC = Duration.ofSeconds(30);
  private static final String NAME_CHARS = "bcdfghjklmnpqrstvwxz2456789";

  public sealed interface Command {}

  private record Informed(Informer.Update update) implements Command {}

  private record Sync() implements Command {}

  private record Resync() implements Command {}

  private record Written(String key, ResourceType type, StoredObject object, Throwable failure)
      implements Command {}

  private final TimerScheduler<Command> timers;
  private final ObjectStore store;
  private final SecureRandom random = new SecureRandom();

  private final Map<String, ObjectNode> services = new HashMap<>();
  private final Map<String, Map<String, ObjectNode>> podsByNamespace = new HashMap<>();
  private final Map<String, ObjectNode> endpoints = new HashMap<>();

  /** Managed slices by service key, then slice name. */
  private final Map<String, Map<String, ObjectNode>> slices = new HashMap<>();

  private final Set<ResourceType> synced = new HashSet<>();
  private final Set<String> dirty = new LinkedHashSet<>();
  private final Map<String, Integer> inFlight = new HashMap<>();

  public static Behavior<Command> create(ObjectStore store) {
    return Behaviors.setup(
        ctx -> Behaviors.withTimers(timers -> new EndpointsController(ctx, timers, store)));
  }

  private EndpointsController(
      ActorContext<Command> ctx, TimerScheduler<Command> timers, ObjectStore store) {
    super(ctx);
    this.timers = timers;
    this.store = store;
    ActorRef<Informer.Update> informed = ctx.messageAdapter(Informer.Update.class, Informed::new);
    for (ResourceType type :
        List.of(
            ResourceTypes.SERVICES,
            ResourceTypes.PODS,
            ResourceTypes.ENDPOINTS,
            ResourceTypes.ENDPOINT_SLICES)) {
      ctx.spawn(Informer.create(store, type, "", informed), "informer-" + type.plural());
    }
    timers.startTimerWithFixedDelay(new Resync(), RESYNC);
  }

  @Override
  public Receive<Command> createReceive() {
    return newReceiveBuilder()
        .onMessage(Informed.class, this::onInformed)
        .onMessage(Sync.class, s -> sync())
        .onMessage(
            Resync.class,
            r -> {
              dirty.addAll(services.keySet());
              return scheduleSync();
            })
        .onMessage(Written.class, this::onWritten)
        .build();
  }

  // ---- caches -----------------------------------------------------------------------------------

  private Behavior<Command> onInformed(Informed m) {
    ResourceType type = m.update().type();
    if (m.update() instanceof Informer.Synced s) {
      clear(type);
      s.objects().forEach(o -> remember(type, o, false));
      synced.add(type);
      dirty.addAll(services.keySet());
    } else {
      Informer.Changed c = (Informer.Changed) m.update();
      if (type.equals(ResourceTypes.SERVICES) && c.eventType().equals("DELETED")) {
        serviceDeleted(c.object());
      }
      remember(type, c.object(), c.eventType().equals("DELETED"));
    }
    return scheduleSync();
  }

  private void clear(ResourceType type) {
    if (type.equals(ResourceTypes.SERVICES)) {
      services.clear();
    } else if (type.equals(ResourceTypes.PODS)) {
      podsByNamespace.clear();
    } else if (type.equals(ResourceTypes.ENDPOINTS)) {
      endpoints.clear();
    } else {
      slices.clear();
    }
  }

  private void remember(ResourceType type, ObjectNode object, boolean deleted) {
    String key = Json.namespace(object) + "/" + Json.name(object);
    if (type.equals(ResourceTypes.SERVICES)) {
      put(services, key, object, deleted);
      dirty.add(key);
    } else if (type.equals(ResourceTypes.PODS)) {
      Map<String, ObjectNode> pods =
          podsByNamespace.computeIfAbsent(Json.namespace(object), k -> new HashMap<>());
      ObjectNode old = pods.get(Json.name(object));
      put(pods, Json.name(object), object, deleted);
      for (Map.Entry<String, ObjectNode> s : services.entrySet()) {
        if (EndpointsComputation.selects(s.getValue(), object)
            || (old != null && EndpointsComputation.selects(s.getValue(), old))) {
          dirty.add(s.getKey());
        }
      }
    } else if (type.equals(ResourceTypes.ENDPOINTS)) {
      put(endpoints, key, object, deleted);
      dirty.add(key);
    } else {
      String service = sliceService(object);
      if (service != null) {
        put(
            slices.computeIfAbsent(service, k -> new HashMap<>()),
            Json.name(object),
            object,
            deleted);
        dirty.add(service);
      }
    }
  }

  /** Keeps the newer of the cached and the given version (a write's reply may beat its event). */
  private static void put(
      Map<String, ObjectNode> map, String key, ObjectNode object, boolean deleted) {
    ObjectNode cached = map.get(key);
    if (cached != null
        && Json.metaText(cached, "uid").equals(Json.metaText(object, "uid"))
        && revision(cached) > revision(object)) {
      return;
    }
    if (deleted) {
      map.remove(key);
    } else {
      map.put(key, object);
    }
  }

  private static long revision(JsonNode object) {
    try {
      return Long.parseLong(Json.metaText(object, "resourceVersion"));
    } catch (NumberFormatException e) {
      return 0;
    }
  }

  private static String sliceService(JsonNode slice) {
    JsonNode labels = slice.path("metadata").path("labels");
    if (!EndpointsComputation.MANAGED_BY.equals(
        labels.path(EndpointsComputation.MANAGED_BY_LABEL).asText())) {
      return null;
    }
    String service = labels.path(EndpointsComputation.SERVICE_NAME_LABEL).asText("");
    return service.isEmpty() ? null : Json.namespace(slice) + "/" + service;
  }

  /** The endpoints controller deletes a deleted service's Endpoints, whoever wrote them. */
  private void serviceDeleted(ObjectNode service) {
    String key = Json.namespace(service) + "/" + Json.name(service);
    String ns = Json.namespace(service);
    if (endpoints.containsKey(key)) {
      delete(key, ResourceTypes.ENDPOINTS, ns, Json.name(service));
    }
    for (String slice : slices.getOrDefault(key, Map.of()).keySet()) {
      delete(key, ResourceTypes.ENDPOINT_SLICES, ns, slice);
    }
  }

  // ---- sync -------------------------------------------------------------------------------------

  private Behavior<Command> scheduleSync() {
    if (!dirty.isEmpty() && synced.size() == 4 && !timers.isTimerActive("sync")) {
      timers.startSingleTimer("sync", new Sync(), DEBOUNCE);
    }
    return this;
  }

  private Behavior<Command> sync() {
    for (String key : new ArrayList<>(dirty)) {
      if (inFlight.getOrDefault(key, 0) > 0) {
        continue;
      }
      dirty.remove(key);
      try {
        syncService(key);
      } catch (RuntimeException e) {
        getContext().getLog().warn("endpoints of service {}: {}", key, e.toString());
      }
    }
    return this;
  }

  private void syncService(String key) {
    ObjectNode service = services.get(key);
    Map<String, ObjectNode> ownSlices = slices.getOrDefault(key, Map.of());
    String ns = key.substring(0, key.indexOf('/'));
    if (service == null || !EndpointsComputation.managed(service)) {
      for (String slice : List.copyOf(ownSlices.keySet())) {
        delete(key, ResourceTypes.ENDPOINT_SLICES, ns, slice);
      }
      return;
    }
    List<ObjectNode> pods = List.copyOf(podsByNamespace.getOrDefault(ns, Map.of()).values());
    ObjectNode desired = EndpointsComputation.endpointsObject(service, pods);
    ObjectNode current = endpoints.get(key);
    if (current == null) {
      write(key, ResourceTypes.ENDPOINTS, ns, null, desired);
    } else if (!sameField(current.path("subsets"), desired.path("subsets"))
        || !sameField(
            current.path("metadata").path("labels"), desired.path("metadata").path("labels"))) {
      ObjectNode update = current.deepCopy();
      setOrRemove(Json.meta(update), "labels", desired.path("metadata").get("labels"));
      setOrRemove(update, "subsets", desired.get("subsets"));
      write(key, ResourceTypes.ENDPOINTS, ns, Json.name(update), update);
    }
    List<String> names = new ArrayList<>(ownSlices.keySet());
    names.sort(null);
    String sliceName = names.isEmpty() ? Json.name(service) + "-" + randomSuffix() : names.get(0);
    for (String extra : names.subList(Math.min(1, names.size()), names.size())) {
      delete(key, ResourceTypes.ENDPOINT_SLICES, ns, extra);
    }
    ObjectNode desiredSlice = EndpointsComputation.endpointSlice(service, pods, sliceName);
    ObjectNode currentSlice = ownSlices.get(sliceName);
    if (currentSlice == null) {
      write(key, ResourceTypes.ENDPOINT_SLICES, ns, null, desiredSlice);
    } else if (!sameSlice(currentSlice, desiredSlice)) {
      ObjectNode update = currentSlice.deepCopy();
      Json.meta(update).set("labels", desiredSlice.path("metadata").get("labels"));
      Json.meta(update)
          .set("ownerReferences", desiredSlice.path("metadata").get("ownerReferences"));
      for (String field : List.of("addressType", "endpoints", "ports")) {
        update.set(field, desiredSlice.get(field));
      }
      write(key, ResourceTypes.ENDPOINT_SLICES, ns, sliceName, update);
    }
  }

  private static boolean sameSlice(JsonNode current, JsonNode desired) {
    for (String field : List.of("addressType", "endpoints", "ports")) {
      if (!sameField(current.path(field), desired.path(field))) {
        return false;
      }
    }
    return sameField(
            current.path("metadata").path("labels"), desired.path("metadata").path("labels"))
        && sameField(
            current.path("metadata").path("ownerReferences"),
            desired.path("metadata").path("ownerReferences"));
  }

  /** Absent and empty are the same (the API drops empty lists and maps). */
  private static boolean sameField(JsonNode a, JsonNode b) {
    boolean aEmpty = a.isMissingNode() || a.isNull() || (a.isContainerNode() && a.size() == 0);
    boolean bEmpty = b.isMissingNode() || b.isNull() || (b.isContainerNode() && b.size() == 0);
    return (aEmpty && bEmpty) || a.equals(b);
  }

  private static void setOrRemove(ObjectNode node, String field, JsonNode value) {
    if (value == null || value.isMissingNode()) {
      node.remove(field);
    } else {
      node.set(field, value);
    }
  }

  private void write(String key, ResourceType type, String ns, String name, ObjectNode object) {
    CompletionStage<StoredObject> result =
        name == null
            ? store.create(type, ns, object, WriteOptions.DEFAULT)
            : store.update(type, ns, name, object, null, WriteOptions.DEFAULT);
    track(key, type, result);
  }

  private void delete(String key, ResourceType type, String ns, String name) {
    track(
        key,
        type,
        store
            .delete(type, ns, name, DeleteOptions.DEFAULT)
            .thenApply(deleted -> (StoredObject) null)
            .exceptionally(
                failure -> {
                  Throwable cause =
                      failure instanceof CompletionException c ? c.getCause() : failure;
                  if (cause instanceof ApiException api && api.status().code() == 404) {
                    return null;
                  }
                  throw new CompletionException(cause);
                }));
  }

  private void track(String key, ResourceType type, CompletionStage<StoredObject> result) {
    inFlight.merge(key, 1, Integer::sum);
    getContext().pipeToSelf(result, (stored, failure) -> new Written(key, type, stored, failure));
  }

  private Behavior<Command> onWritten(Written w) {
    inFlight.computeIfPresent(w.key(), (k, n) -> n <= 1 ? null : n - 1);
    if (w.failure() != null) {
      Throwable cause = w.failure() instanceof CompletionException c ? c.getCause() : w.failure();
      getContext()
          .getLog()
          .info(
              "endpoints of service {}: {} write failed, retrying: {}",
              w.key(),
              w.type().plural(),
              cause.toString());
      dirty.add(w.key());
      timers.startSingleTimer("retry-" + w.key(), new Sync(), RETRY);
      return this;
    }
    if (w.object() != null) {
      remember(w.type(), w.object().object(), false);
    }
    return scheduleSync();
  }

  private String randomSuffix() {
    StringBuilder sb = new StringBuilder(5);
    for (int i = 0; i < 5; i++) {
      sb.append(NAME_CHARS.charAt(random.nextInt(NAME_CHARS.length())));
    }
    return sb.toString();
  }
}
