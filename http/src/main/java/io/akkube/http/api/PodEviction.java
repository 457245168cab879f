package io.akkube.http.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.akkube.core.api.ApiException;
import io.akkube.core.api.ApiStatus;
import io.akkube.core.api.Json;
import io.akkube.core.api.ResourceTypes;
import io.akkube.core.disruption.DisruptionBudget;
import io.akkube.core.object.ObjectLifecycle;
import io.akkube.core.store.DeleteOptions;
import io.akkube.core.store.ListOptions;
import io.akkube.core.store.ObjectStore;
import io.akkube.core.store.StoredObject;
import io.akkube.core.store.WriteOptions;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;

/**
 * pods/{name}/eviction: a policy/v1 Eviction deletes the pod unless that would break its
 * PodDisruptionBudget. As in kube, the budget's status records the evicted pod (disruptedPods) with
 * the budget's resourceVersion as a precondition, so concurrent evictions (kubectl drain evicts in
 * parallel) are serialised by conflicts and retried, and never disrupt more than allowed.
 */
final class PodEviction {

  static final String VIOLATES_BUDGET =
      "Cannot evict pod as it would violate the pod's disruption budget.";
  private static final int CONFLICT_RETRIES = 10;

  private final ObjectStore store;
  private final Clock clock;

  PodEviction(ObjectStore store, Clock clock) {
    this.store = store;
    this.clock = clock;
  }

  /** Evicts the pod; completes with the deleted (or terminating) pod. */
  CompletionStage<StoredObject> evict(String namespace, String name, ObjectNode eviction) {
    String kind = Json.text(eviction, "kind");
    if (!kind.isEmpty() && !kind.equals("Eviction")) {
      throw ApiStatus.badRequest("expected an Eviction, got " + kind).exception();
    }
    String bodyName = Json.name(eviction);
    if (!bodyName.isEmpty() && !bodyName.equals(name)) {
      throw ApiStatus.badRequest("name in URL does not match name in Eviction object").exception();
    }
    DeleteOptions options = deleteOptions(eviction.path("deleteOptions"));
    return store
        .get(ResourceTypes.PODS, namespace, name)
        .thenCompose(pod -> evict(pod.object(), options, 0));
  }

  private CompletionStage<StoredObject> evict(ObjectNode pod, DeleteOptions options, int attempt) {
    String phase = pod.path("status").path("phase").asText("");
    boolean ignoresBudgets =
        phase.equals("Succeeded")
            || phase.equals("Failed")
            || phase.equals("Pending")
            || pod.path("metadata").hasNonNull("deletionTimestamp");
    if (ignoresBudgets) {
      return delete(pod, options);
    }
    String namespace = Json.namespace(pod);
    return store
        .list(ResourceTypes.POD_DISRUPTION_BUDGETS, ListOptions.inNamespace(namespace))
        .thenCompose(
            budgets -> {
              List<ObjectNode> matching =
                  budgets.items().stream()
                      .map(StoredObject::object)
                      .filter(pdb -> DisruptionBudget.selects(pdb, pod))
                      .toList();
              if (matching.isEmpty()) {
                return delete(pod, options);
              }
              if (matching.size() > 1) {
                throw ApiStatus.internal(
                        "This pod has more than one PodDisruptionBudget, which the eviction"
                            + " subresource does not support.")
                    .exception();
              }
              return checkBudget(pod, matching.get(0), options, attempt);
            });
  }

  private CompletionStage<StoredObject> checkBudget(
      ObjectNode pod, ObjectNode pdb, DeleteOptions options, int attempt) {
    String namespace = Json.namespace(pod);
    return store
        .list(ResourceTypes.PODS, ListOptions.inNamespace(namespace))
        .thenCompose(
            pods -> {
              Instant now = clock.instant();
              DisruptionBudget budget =
                  DisruptionBudget.of(
                      pdb, pods.items().stream().map(StoredObject::object).toList(), now);
              if (budget.disruptionsAllowed() <= 0) {
                throw tooManyRequests(pdb, budget).exception();
              }
              ObjectNode updated = pdb.deepCopy();
              ObjectNode status =
                  updated.has("status") && updated.get("status").isObject()
                      ? (ObjectNode) updated.get("status")
                      : updated.putObject("status");
              ObjectNode disrupted = status.putObject("disruptedPods");
              DisruptionBudget.disruptedPods(pdb, now)
                  .forEach((n, at) -> disrupted.put(n, ObjectLifecycle.timestamp(at)));
              disrupted.put(Json.name(pod), ObjectLifecycle.timestamp(now));
              status.put("disruptionsAllowed", budget.disruptionsAllowed() - 1);
              status.put("currentHealthy", budget.currentHealthy());
              status.put("desiredHealthy", budget.desiredHealthy());
              status.put("expectedPods", budget.expectedPods());
              return store
                  .update(
                      ResourceTypes.POD_DISRUPTION_BUDGETS,
                      namespace,
                      Json.name(pdb),
                      updated,
                      "status",
                      WriteOptions.DEFAULT)
                  .handle(
                      (ok, failure) -> {
                        if (failure == null) {
                          return delete(pod, options);
                        }
                        if (isConflict(failure) && attempt < CONFLICT_RETRIES) {
                          return store
                              .get(ResourceTypes.PODS, namespace, Json.name(pod))
                              .thenCompose(fresh -> evict(fresh.object(), options, attempt + 1));
                        }
                        return CompletableFuture.<StoredObject>failedFuture(failure);
                      })
                  .thenCompose(stage -> stage);
            });
  }

  private CompletionStage<StoredObject> delete(ObjectNode pod, DeleteOptions options) {
    DeleteOptions withUid =
        options.preconditionUid() != null
            ? options
            : new DeleteOptions(
                options.gracePeriodSeconds(),
                Json.metaText(pod, "uid"),
                options.preconditionResourceVersion(),
                options.propagationPolicy(),
                options.dryRun());
    return store
        .delete(ResourceTypes.PODS, Json.namespace(pod), Json.name(pod), withUid)
        .thenApply(result -> result.object());
  }

  private static ApiStatus tooManyRequests(ObjectNode pdb, DisruptionBudget budget) {
    String cause =
        "The disruption budget "
            + Json.name(pdb)
            + " needs "
            + budget.desiredHealthy()
            + " healthy pods and has "
            + budget.currentHealthy()
            + " currently";
    return new ApiStatus(
        429,
        "TooManyRequests",
        VIOLATES_BUDGET,
        new ApiStatus.Details(
            null, null, null, List.of(new ApiStatus.Cause("DisruptionBudget", cause, null))),
        null);
  }

  private static boolean isConflict(Throwable failure) {
    Throwable cause =
        failure instanceof CompletionException && failure.getCause() != null
            ? failure.getCause()
            : failure;
    return cause instanceof ApiException api && api.status().code() == 409;
  }

  private static DeleteOptions deleteOptions(JsonNode opts) {
    Long grace =
        opts.hasNonNull("gracePeriodSeconds") ? opts.get("gracePeriodSeconds").asLong() : null;
    JsonNode pre = opts.path("preconditions");
    return new DeleteOptions(
        grace,
        pre.hasNonNull("uid") ? pre.get("uid").asText() : null,
        pre.hasNonNull("resourceVersion") ? pre.get("resourceVersion").asText() : null,
        opts.hasNonNull("propagationPolicy") ? opts.get("propagationPolicy").asText() : null,
        opts.path("dryRun").isArray() && opts.path("dryRun").size() > 0);
  }
}
