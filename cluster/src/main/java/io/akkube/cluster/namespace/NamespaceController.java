package io.akkube.cluster.namespace;

import akka.actor.typed.Behavior;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.akkube.cluster.PeriodicSweep;
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
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * Empties terminating namespaces (cluster singleton), as Kubernetes' namespace controller: every
 * namespaced object in a namespace with a deletionTimestamp is deleted; once none is left the
 * "kubernetes" finalizer is removed through namespaces/finalize and the namespace disappears.
 */
public final class NamespaceController {

  private NamespaceController() {}

  public static Behavior<Object> create(ObjectStore store, Duration interval) {
    return PeriodicSweep.create("namespace sweep", interval, () -> sweep(store));
  }

  static CompletionStage<Void> sweep(ObjectStore store) {
    return store
        .list(ResourceTypes.NAMESPACES, ListOptions.all())
        .thenCompose(
            namespaces -> {
              List<CompletableFuture<Void>> work = new ArrayList<>();
              for (StoredObject ns : namespaces.items()) {
                if (ns.object().path("metadata").has("deletionTimestamp")) {
                  work.add(empty(store, Json.name(ns.object())).toCompletableFuture());
                }
              }
              return CompletableFuture.allOf(work.toArray(CompletableFuture[]::new));
            });
  }

  /** Deletes what is left in the namespace; finalizes it when nothing is. */
  private static CompletionStage<Void> empty(ObjectStore store, String namespace) {
    List<CompletableFuture<Integer>> remaining = new ArrayList<>();
    for (ResourceType type : ResourceTypes.all()) {
      if (!type.namespaced()) {
        continue;
      }
      remaining.add(
          store
              .list(type, ListOptions.inNamespace(namespace))
              .thenCompose(
                  list -> {
                    List<CompletableFuture<?>> deletions = new ArrayList<>();
                    for (StoredObject o : list.items()) {
                      if (!o.object().path("metadata").has("deletionTimestamp")) {
                        deletions.add(
                            store
                                .delete(
                                    type, namespace, Json.name(o.object()), DeleteOptions.DEFAULT)
                                .exceptionally(f -> null)
                                .toCompletableFuture());
                      }
                    }
                    return CompletableFuture.allOf(deletions.toArray(CompletableFuture[]::new))
                        .thenApply(v -> list.items().size());
                  })
              .toCompletableFuture());
    }
    return CompletableFuture.allOf(remaining.toArray(CompletableFuture[]::new))
        .thenCompose(
            v -> {
              int left = remaining.stream().mapToInt(CompletableFuture::join).sum();
              if (left > 0) {
                return CompletableFuture.completedFuture(null);
              }
              ObjectNode finalize = Json.MAPPER.createObjectNode();
              finalize.put("apiVersion", "v1");
              finalize.put("kind", "Namespace");
              Json.meta(finalize).put("name", namespace);
              finalize.putObject("spec").putArray("finalizers");
              return store
                  .update(
                      ResourceTypes.NAMESPACES,
                      null,
                      namespace,
                      finalize,
                      "finalize",
                      WriteOptions.DEFAULT)
                  .thenApply(o -> (Void) null);
            });
  }
}
