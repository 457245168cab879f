package io.akkube.cluster.gc;

import akka.actor.typed.Behavior;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.akkube.cluster.PeriodicSweep;
import io.akkube.cluster.gc.GarbageCollection.Item;
import io.akkube.core.api.ApiException;
import io.akkube.core.api.Json;
import io.akkube.core.api.ResourceType;
import io.akkube.core.api.ResourceTypes;
import io.akkube.core.store.DeleteOptions;
import io.akkube.core.store.ListOptions;
import io.akkube.core.store.ObjectStore;
import io.akkube.core.store.StoredObject;
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
 * The garbage collector (cluster singleton): every {@code interval} it reads every kind through the
 * store, confirms with a live read that owners missing from the lists are really gone, and applies
 * {@link GarbageCollection}'s plan. It keeps no state between sweeps, so dependents left behind by
 * a crash are collected by the next sweep after a restart.
 */
public final class GarbageCollector {

  private static final Logger log = LoggerFactory.getLogger(GarbageCollector.class);

  private GarbageCollector() {}

  public static Behavior<Object> create(ObjectStore store, Duration interval) {
    return PeriodicSweep.create("garbage collection", interval, () -> sweep(store));
  }

  /** One pass over every object. */
  public static CompletionStage<Void> sweep(ObjectStore store) {
    List<CompletableFuture<List<Item>>> lists = new ArrayList<>();
    for (ResourceType type : ResourceTypes.all()) {
      if (type.equals(ResourceTypes.EVENTS)) {
        continue;
      }
      lists.add(
          store
              .list(type, ListOptions.all())
              .thenApply(
                  result -> {
                    List<Item> items = new ArrayList<>();
                    for (StoredObject o : result.items()) {
                      items.add(new Item(type, o.object()));
                    }
                    return items;
                  })
              .toCompletableFuture());
    }
    return CompletableFuture.allOf(lists.toArray(CompletableFuture[]::new))
        .thenCompose(
            v -> {
              List<Item> items = new ArrayList<>();
              lists.forEach(l -> items.addAll(l.join()));
              return confirmAbsent(store, items)
                  .thenCompose(absent -> apply(store, GarbageCollection.plan(items, absent)));
            });
  }

  /**
   * Lists of different kinds are taken at slightly different moments: an owner missing from its
   * list is only gone if a live read of it (by kind, namespace and name) agrees (isDangling).
   */
  private static CompletionStage<Set<String>> confirmAbsent(ObjectStore store, List<Item> items) {
    Set<String> missing = GarbageCollection.missingOwners(items);
    if (missing.isEmpty()) {
      return CompletableFuture.completedFuture(Set.of());
    }
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
                        return cause instanceof ApiException api && api.status().code() == 404;
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
              checks.forEach(
                  (uid, gone) -> {
                    if (gone.join()) {
                      absent.add(uid);
                    }
                  });
              return absent;
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
