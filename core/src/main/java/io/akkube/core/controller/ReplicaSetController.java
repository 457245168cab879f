package io.akkube.core.controller;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.akkube.core.api.Json;
import io.akkube.core.api.ResourceType;
import io.akkube.core.api.ResourceTypes;
import io.akkube.core.object.Controller;
import io.akkube.core.store.DeleteOptions;
import io.akkube.core.store.ListOptions;
import io.akkube.core.store.ObjectStore;
import io.akkube.core.store.StoredObject;
import io.akkube.core.store.WriteOptions;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.atomic.AtomicReference;
import java.util.random.RandomGenerator;

/**
 * The reconcile pass of a ReplicaSet (apps/v1) or ReplicationController (v1) entity: reads the pods
 * of the owner's namespace through the store, applies {@link ReplicaSetSync}'s plan (adopt,
 * release, create in slow-start batches, delete), records events as Kubernetes'
 * replicaset-controller does, and writes the owner's status when it changed.
 */
public final class ReplicaSetController implements Controller {

  private static final int NAME_ATTEMPTS = 5;

  private final ObjectStore store;
  private final ResourceType type;
  private final ControllerEvents events;
  private final Clock clock;
  private final RandomGenerator random;

  public ReplicaSetController(
      ObjectStore store, ResourceType type, Clock clock, RandomGenerator random) {
    this.store = store;
    this.type = type;
    this.clock = clock;
    this.random = random;
    this.events =
        new ControllerEvents(
            store,
            type.equals(ResourceTypes.REPLICATION_CONTROLLERS)
                ? "replication-controller"
                : "replicaset-controller",
            clock);
  }

  @Override
  public CompletionStage<Optional<Duration>> reconcile(ObjectNode owner) {
    String ns = Json.namespace(owner);
    return store
        .list(ResourceTypes.PODS, ListOptions.inNamespace(ns))
        .thenCompose(
            pods -> {
              List<JsonNode> all = pods.items().stream().map(s -> (JsonNode) s.object()).toList();
              ReplicaSetSync.Plan plan = ReplicaSetSync.plan(owner, all);
              return claim(owner, plan)
                  .thenCompose(active -> manage(owner, plan).thenApply(f -> new Pass(active, f)));
            })
        .thenCompose(
            pass ->
                writeStatus(owner, pass)
                    .thenApply(
                        v ->
                            ReplicaSetSync.nextAvailability(
                                owner, pass.active(), clock.instant())));
  }

  private record Pass(List<JsonNode> active, String failure) {}

  /** Adopts and releases; the result is the active pods the owner controls afterwards. */
  private CompletionStage<List<JsonNode>> claim(ObjectNode owner, ReplicaSetSync.Plan plan) {
    if (plan.adopt().isEmpty() && plan.release().isEmpty()) {
      return CompletableFuture.completedFuture(plan.active());
    }
    ObjectNode ref = OwnerReferences.controllerRef(owner, type);
    String uid = Json.metaText(owner, "uid");
    List<CompletableFuture<JsonNode>> adoptions = new ArrayList<>();
    for (JsonNode pod : plan.adopt()) {
      adoptions.add(
          update(OwnerReferences.adopted(pod, ref))
              .handle((stored, failure) -> failure == null ? (JsonNode) stored.object() : null)
              .toCompletableFuture());
    }
    List<CompletableFuture<?>> releases = new ArrayList<>();
    for (JsonNode pod : plan.release()) {
      releases.add(
          update(OwnerReferences.without(pod, uid))
              .exceptionally(
                  failure -> {
                    if (Failures.isNotFound(failure)) {
                      return null;
                    }
                    throw new java.util.concurrent.CompletionException(failure);
                  })
              .toCompletableFuture());
    }
    return CompletableFuture.allOf(releases.toArray(CompletableFuture[]::new))
        .thenCompose(v -> CompletableFuture.allOf(adoptions.toArray(CompletableFuture[]::new)))
        .thenApply(
            v -> {
              List<JsonNode> active = new ArrayList<>();
              for (JsonNode pod : plan.active()) {
                if (!plan.adopt().contains(pod)) {
                  active.add(pod);
                }
              }
              for (CompletableFuture<JsonNode> adopted : adoptions) {
                JsonNode pod = adopted.join();
                if (pod != null && PodReadiness.isActive(pod)) {
                  active.add(pod);
                }
              }
              return active;
            });
  }

  private CompletionStage<StoredObject> update(ObjectNode pod) {
    return store.update(
        ResourceTypes.PODS, Json.namespace(pod), Json.name(pod), pod, null, WriteOptions.DEFAULT);
  }

  /** Creates or deletes pods; completes with the failure message, or null when all went well. */
  private CompletionStage<String> manage(ObjectNode owner, ReplicaSetSync.Plan plan) {
    if (plan.create() > 0) {
      return createInBatches(owner, ReplicaSetSync.slowStartBatches(plan.create()), 0);
    }
    if (plan.delete().isEmpty()) {
      return CompletableFuture.completedFuture(null);
    }
    AtomicReference<String> failure = new AtomicReference<>();
    List<CompletableFuture<?>> deletions = new ArrayList<>();
    for (JsonNode pod : plan.delete()) {
      String name = Json.name(pod);
      deletions.add(
          store
              .delete(
                  ResourceTypes.PODS,
                  Json.namespace(pod),
                  name,
                  new DeleteOptions(null, Json.metaText(pod, "uid"), null, null, false))
              .handle(
                  (ok, f) -> {
                    if (f == null) {
                      events.record(
                          owner,
                          ControllerEvents.NORMAL,
                          "SuccessfulDelete",
                          "Deleted pod: " + name);
                    } else if (!Failures.isNotFound(f)) {
                      String message = Failures.message(f);
                      failure.compareAndSet(null, message);
                      events.record(
                          owner,
                          ControllerEvents.WARNING,
                          "FailedDelete",
                          "Error deleting: " + message);
                    }
                    return null;
                  })
              .toCompletableFuture());
    }
    return CompletableFuture.allOf(deletions.toArray(CompletableFuture[]::new))
        .thenApply(v -> failure.get());
  }

  private CompletionStage<String> createInBatches(
      ObjectNode owner, List<Integer> batches, int index) {
    if (index >= batches.size()) {
      return CompletableFuture.completedFuture(null);
    }
    List<CompletableFuture<String>> batch = new ArrayList<>();
    for (int i = 0; i < batches.get(index); i++) {
      batch.add(createPod(owner, 0).toCompletableFuture());
    }
    return CompletableFuture.allOf(batch.toArray(CompletableFuture[]::new))
        .thenCompose(
            v -> {
              for (CompletableFuture<String> created : batch) {
                if (created.join() != null) {
                  return CompletableFuture.completedFuture(created.join());
                }
              }
              return createInBatches(owner, batches, index + 1);
            });
  }

  /** Creates one pod; completes with the failure message or null. */
  private CompletionStage<String> createPod(ObjectNode owner, int attempt) {
    String name = ReplicaSetSync.podName(Json.name(owner), random);
    ObjectNode pod = ReplicaSetSync.newPod(owner, type, name, random);
    return store
        .create(ResourceTypes.PODS, Json.namespace(owner), pod, WriteOptions.DEFAULT)
        .handle(
            (stored, failure) -> {
              if (failure == null) {
                events.record(
                    owner, ControllerEvents.NORMAL, "SuccessfulCreate", "Created pod: " + name);
                return CompletableFuture.<String>completedFuture(null);
              }
              if (Failures.isAlreadyExists(failure) && attempt + 1 < NAME_ATTEMPTS) {
                return createPod(owner, attempt + 1);
              }
              String message = Failures.message(failure);
              events.record(
                  owner, ControllerEvents.WARNING, "FailedCreate", "Error creating: " + message);
              return CompletableFuture.completedFuture(message);
            })
        .thenCompose(stage -> stage);
  }

  private CompletionStage<Void> writeStatus(ObjectNode owner, Pass pass) {
    ObjectNode status =
        ReplicaSetSync.status(owner, pass.active(), pass.failure(), clock.instant());
    if (status == null) {
      return CompletableFuture.completedFuture(null);
    }
    ObjectNode withStatus = owner.deepCopy();
    Json.meta(withStatus).remove("resourceVersion");
    withStatus.set("status", status);
    return store
        .update(
            type,
            Json.namespace(owner),
            Json.name(owner),
            withStatus,
            "status",
            WriteOptions.DEFAULT)
        .handle(
            (ok, failure) -> {
              if (failure != null && !Failures.isNotFound(failure)) {
                throw new java.util.concurrent.CompletionException(failure);
              }
              return null;
            });
  }
}
