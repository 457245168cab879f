package io.akkube.core.controller;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.akkube.core.api.Json;
import io.akkube.core.api.ResourceTypes;
import io.akkube.core.object.Controller;
import io.akkube.core.selection.LabelSelector;
import io.akkube.core.store.DeleteOptions;
import io.akkube.core.store.ListOptions;
import io.akkube.core.store.ObjectStore;
import io.akkube.core.store.PatchType;
import io.akkube.core.store.StoredObject;
import io.akkube.core.store.WriteOptions;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;

/**
 * The reconcile pass of a Deployment entity: claims the ReplicaSets of its namespace that its
 * selector selects, asks {@link DeploymentSync} for one step and applies it through the store
 * (ReplicaSets created, replaced, deleted; {@code ScalingReplicaSet} events; the revision
 * annotation; the status).
 */
public final class DeploymentController implements Controller {

  private final ObjectStore store;
  private final ControllerEvents events;
  private final Clock clock;

  public DeploymentController(ObjectStore store, Clock clock) {
    this.store = store;
    this.clock = clock;
    this.events = new ControllerEvents(store, "deployment-controller", clock);
  }

  /** A hash collision: another ReplicaSet already has the new one's name. */
  private static final class Collision extends RuntimeException {
    Collision() {
      super(null, null, false, false);
    }
  }

  @Override
  public CompletionStage<Optional<Duration>> reconcile(ObjectNode deployment) {
    String ns = Json.namespace(deployment);
    CompletionStage<List<JsonNode>> replicaSets =
        store
            .list(ResourceTypes.REPLICA_SETS, ListOptions.inNamespace(ns))
            .thenCompose(list -> claim(deployment, list.items()));
    CompletionStage<List<JsonNode>> pods =
        RolloutMath.isRollingUpdate(deployment)
            ? CompletableFuture.completedFuture(List.of())
            : store
                .list(ResourceTypes.PODS, ListOptions.inNamespace(ns))
                .thenApply(
                    list ->
                        DeploymentSync.selectedPods(
                            deployment, list.items().stream().map(s -> s.object()).toList()));
    return replicaSets
        .thenCombine(pods, (rss, ps) -> DeploymentSync.sync(deployment, rss, ps, clock.instant()))
        .thenCompose(
            result ->
                apply(deployment, result)
                    .thenApply(
                        v ->
                            lookAgain(
                                deployment,
                                // null: the status did not change
                                result.status() != null
                                    ? result.status()
                                    : deployment.path("status"),
                                clock.instant())));
  }

  /**
   * When a rollout in progress must be looked at again even if no child changes: to mark pods
   * available after minReadySeconds, or to declare ProgressDeadlineExceeded on time.
   */
  static Optional<Duration> lookAgain(JsonNode deployment, JsonNode status, Instant now) {
    if (deployment.path("spec").path("paused").asBoolean(false)) {
      return Optional.empty();
    }
    Optional<Duration> next = Optional.empty();
    int replicas = deployment.path("spec").path("replicas").asInt(1);
    if (deployment.path("spec").path("minReadySeconds").asLong(0) > 0
        && status.path("availableReplicas").asInt(0) < replicas) {
      next = Optional.of(Duration.ofSeconds(1));
    }
    JsonNode deadline = deployment.path("spec").get("progressDeadlineSeconds");
    for (JsonNode c : status.path("conditions")) {
      String reason = c.path("reason").asText("");
      if (deadline != null
          && deadline.canConvertToLong()
          && c.path("type").asText().equals("Progressing")
          && !reason.equals("NewReplicaSetAvailable")
          && !reason.equals("ProgressDeadlineExceeded")
          && !c.path("lastUpdateTime").asText("").isEmpty()) {
        Instant due =
            Instant.parse(c.path("lastUpdateTime").asText()).plusSeconds(deadline.asLong());
        Duration until = Duration.between(now, due).plusMillis(100);
        Duration wait = until.isNegative() ? Duration.ofMillis(100) : until;
        next = next.isPresent() && next.get().compareTo(wait) < 0 ? next : Optional.of(wait);
      }
    }
    return next;
  }

  private CompletionStage<List<JsonNode>> claim(ObjectNode deployment, List<StoredObject> items) {
    LabelSelector selector = LabelSelector.fromJson(deployment.path("spec").path("selector"));
    Claims claims =
        Claims.of(deployment, selector, items.stream().map(s -> (JsonNode) s.object()).toList());
    ObjectNode ref = OwnerReferences.controllerRef(deployment, ResourceTypes.DEPLOYMENTS);
    String uid = Json.metaText(deployment, "uid");
    List<CompletableFuture<JsonNode>> adopted = new ArrayList<>();
    for (JsonNode rs : claims.adopt()) {
      adopted.add(
          updateReplicaSet(OwnerReferences.adopted(rs, ref))
              .handle((stored, failure) -> failure == null ? (JsonNode) stored.object() : null)
              .toCompletableFuture());
    }
    List<CompletableFuture<?>> released = new ArrayList<>();
    for (JsonNode rs : claims.release()) {
      released.add(
          updateReplicaSet(OwnerReferences.without(rs, uid))
              .handle((stored, failure) -> null)
              .toCompletableFuture());
    }
    return CompletableFuture.allOf(released.toArray(CompletableFuture[]::new))
        .thenCompose(v -> CompletableFuture.allOf(adopted.toArray(CompletableFuture[]::new)))
        .thenApply(
            v -> {
              List<JsonNode> owned = new ArrayList<>(claims.owned());
              adopted.stream()
                  .map(CompletableFuture::join)
                  .filter(o -> o != null)
                  .forEach(owned::add);
              return owned;
            });
  }

  private CompletionStage<StoredObject> updateReplicaSet(ObjectNode rs) {
    return store.update(
        ResourceTypes.REPLICA_SETS,
        Json.namespace(rs),
        Json.name(rs),
        rs,
        null,
        WriteOptions.DEFAULT);
  }

  private CompletionStage<Void> apply(ObjectNode deployment, DeploymentSync.Result result) {
    String ns = Json.namespace(deployment);
    CompletionStage<Void> done = CompletableFuture.completedFuture(null);
    List<DeploymentSync.Event> toRecord = new ArrayList<>();
    for (DeploymentSync.Action action : result.actions()) {
      if (action instanceof DeploymentSync.CreateReplicaSet c) {
        done = done.thenCompose(v -> create(deployment, c.replicaSet()));
      } else if (action instanceof DeploymentSync.UpdateReplicaSet u) {
        done = done.thenCompose(v -> updateReplicaSet(u.replicaSet()).thenApply(o -> null));
      } else if (action instanceof DeploymentSync.DeleteReplicaSet del) {
        done =
            done.thenCompose(
                v ->
                    store
                        .delete(
                            ResourceTypes.REPLICA_SETS,
                            ns,
                            Json.name(del.replicaSet()),
                            new DeleteOptions(
                                null, Json.metaText(del.replicaSet(), "uid"), null, null, false))
                        .handle(
                            (ok, failure) -> {
                              if (failure != null && !Failures.isNotFound(failure)) {
                                throw new CompletionException(failure);
                              }
                              return null;
                            }));
      } else if (action instanceof DeploymentSync.Event e) {
        toRecord.add(e);
      }
    }
    return done.thenCompose(
            v -> {
              toRecord.forEach(e -> events.record(deployment, e.type(), e.reason(), e.message()));
              return writeRevision(deployment, result.revision());
            })
        .thenCompose(v -> writeStatus(deployment, result.status()))
        .exceptionallyCompose(
            failure -> {
              if (Failures.cause(failure) instanceof Collision) {
                return bumpCollisionCount(deployment);
              }
              return CompletableFuture.failedFuture(failure);
            });
  }

  private CompletionStage<Void> create(ObjectNode deployment, ObjectNode rs) {
    return store
        .create(ResourceTypes.REPLICA_SETS, Json.namespace(rs), rs, WriteOptions.DEFAULT)
        .handle((created, failure) -> failure)
        .thenCompose(
            failure -> {
              if (failure == null) {
                return CompletableFuture.<Void>completedFuture(null);
              }
              if (!Failures.isAlreadyExists(failure)) {
                return CompletableFuture.<Void>failedFuture(failure);
              }
              return store
                  .get(ResourceTypes.REPLICA_SETS, Json.namespace(rs), Json.name(rs))
                  .thenCompose(
                      existing -> {
                        boolean ours =
                            OwnerReferences.isControlledBy(
                                    existing.object(), Json.metaText(deployment, "uid"))
                                && PodTemplateHash.equalIgnoringHash(
                                    existing.object().path("spec").path("template"),
                                    deployment.path("spec").path("template"));
                        // Ours: a previous pass created it and the list did not show it yet; the
                        // retried pass will find it.
                        return CompletableFuture.<Void>failedFuture(
                            ours ? failure : new Collision());
                      });
            });
  }

  private CompletionStage<Void> bumpCollisionCount(ObjectNode deployment) {
    ObjectNode copy = deployment.deepCopy();
    Json.meta(copy).remove("resourceVersion");
    ObjectNode status = copy.with("status");
    status.put("collisionCount", status.path("collisionCount").asInt(0) + 1);
    return store
        .update(
            ResourceTypes.DEPLOYMENTS,
            Json.namespace(copy),
            Json.name(copy),
            copy,
            "status",
            WriteOptions.DEFAULT)
        .thenApply(o -> null);
  }

  private CompletionStage<Void> writeRevision(ObjectNode deployment, String revision) {
    if (revision == null) {
      return CompletableFuture.completedFuture(null);
    }
    ObjectNode patch = Json.MAPPER.createObjectNode();
    patch.putObject("metadata").putObject("annotations").put(DeploymentSync.REVISION, revision);
    return store
        .patch(
            ResourceTypes.DEPLOYMENTS,
            Json.namespace(deployment),
            Json.name(deployment),
            PatchType.MERGE_PATCH,
            Json.string(patch).getBytes(StandardCharsets.UTF_8),
            null,
            WriteOptions.DEFAULT)
        .thenApply(o -> null);
  }

  private CompletionStage<Void> writeStatus(ObjectNode deployment, ObjectNode status) {
    if (status == null) {
      return CompletableFuture.completedFuture(null);
    }
    ObjectNode copy = deployment.deepCopy();
    Json.meta(copy).remove("resourceVersion");
    copy.set("status", status);
    return store
        .update(
            ResourceTypes.DEPLOYMENTS,
            Json.namespace(copy),
            Json.name(copy),
            copy,
            "status",
            WriteOptions.DEFAULT)
        .handle(
            (ok, failure) -> {
              if (failure != null && !Failures.isNotFound(failure)) {
                throw new CompletionException(failure);
              }
              return null;
            });
  }
}
