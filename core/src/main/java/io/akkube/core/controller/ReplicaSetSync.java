package io.akkube.core.controller;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.akkube.core.api.Json;
import io.akkube.core.api.ResourceType;
import io.akkube.core.api.ResourceTypes;
import io.akkube.core.object.ObjectLifecycle;
import io.akkube.core.selection.LabelSelector;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.random.RandomGenerator;

/**
 * One pass of Kubernetes' ReplicaSet controller (pkg/controller/replicaset) as a pure decision,
 * shared by ReplicaSets (apps/v1) and ReplicationControllers (v1): which pods to adopt and release,
 * how many to create, which to delete (in {@link ActivePods} order), and the status to write.
 */
public final class ReplicaSetSync {

  /** Kubernetes' burstReplicas: at most this many creations or deletions per pass. */
  public static final int BURST_REPLICAS = 500;

  /** Kubernetes' name alphabet (k8s.io/apimachinery/pkg/util/rand): no vowels, no 0, 1, 3. */
  public static final String NAME_ALPHABET = "bcdfghjklmnpqrstvwxz2456789";

  private static final int MAX_GENERATED_NAME_BASE = 63 - 5;

  /** The decision of one pass. {@code active} are the controlled pods that count as replicas. */
  public record Plan(
      List<JsonNode> adopt,
      List<JsonNode> release,
      List<JsonNode> active,
      int create,
      List<JsonNode> delete) {
    public Plan {
      adopt = List.copyOf(adopt);
      release = List.copyOf(release);
      active = List.copyOf(active);
      delete = List.copyOf(delete);
    }
  }

  private ReplicaSetSync() {}

  /** The owner's selector: a LabelSelector (ReplicaSet) or a plain map (ReplicationController). */
  public static LabelSelector selectorOf(JsonNode owner) {
    JsonNode selector = owner.path("spec").path("selector");
    if (selector.isObject()
        && !selector.has("matchLabels")
        && !selector.has("matchExpressions")
        && selector.size() > 0) {
      ObjectNode wrapped = Json.MAPPER.createObjectNode();
      wrapped.set("matchLabels", selector);
      return LabelSelector.fromJson(wrapped);
    }
    return LabelSelector.fromJson(selector.isMissingNode() ? null : selector);
  }

  public static int replicas(JsonNode owner) {
    JsonNode r = owner.path("spec").path("replicas");
    return r.isNumber() ? r.asInt() : 1;
  }

  /**
   * Decides one pass given every pod of the owner's namespace. An owner being deleted adopts,
   * releases, creates and deletes nothing (Kubernetes only updates its status).
   */
  public static Plan plan(JsonNode owner, List<? extends JsonNode> podsInNamespace) {
    Claims claims = Claims.of(owner, selectorOf(owner), podsInNamespace);
    List<JsonNode> active = new ArrayList<>();
    for (JsonNode pod : claims.controlled()) {
      if (PodReadiness.isActive(pod)) {
        active.add(pod);
      }
    }
    int create = 0;
    List<JsonNode> delete = List.of();
    if (!owner.path("metadata").has("deletionTimestamp")) {
      int diff = active.size() - replicas(owner);
      if (diff < 0) {
        create = Math.min(-diff, BURST_REPLICAS);
      } else if (diff > 0) {
        List<JsonNode> ordered = new ArrayList<>(active);
        ordered.sort(ActivePods.DELETION_ORDER);
        delete = ordered.subList(0, Math.min(diff, BURST_REPLICAS));
      }
    }
    return new Plan(claims.adopt(), claims.release(), active, create, delete);
  }

  /**
   * Kubernetes' slowStartBatch sizes: 1, 2, 4, … until {@code count} pods are created; a batch with
   * a failure stops the remaining ones (a quota or admission error is not repeated 500 times).
   */
  public static List<Integer> slowStartBatches(int count) {
    List<Integer> batches = new ArrayList<>();
    int remaining = count;
    for (int size = 1; remaining > 0; size *= 2) {
      int batch = Math.min(size, remaining);
      batches.add(batch);
      remaining -= batch;
    }
    return batches;
  }

  /** {@code <owner>-<5 random characters>}, the owner's name cut to leave room for the suffix. */
  public static String podName(String ownerName, RandomGenerator random) {
    String base = generateNamePrefix(ownerName);
    if (base.length() > MAX_GENERATED_NAME_BASE) {
      base = base.substring(0, MAX_GENERATED_NAME_BASE);
    }
    StringBuilder name = new StringBuilder(base);
    for (int i = 0; i < 5; i++) {
      name.append(NAME_ALPHABET.charAt(random.nextInt(NAME_ALPHABET.length())));
    }
    return name.toString();
  }

  static String generateNamePrefix(String ownerName) {
    return ownerName + "-";
  }

  /** A new pod from the owner's template (GetPodFromTemplate) with a controller reference. */
  public static ObjectNode newPod(
      JsonNode owner, ResourceType ownerType, String name, RandomGenerator random) {
    JsonNode template = owner.path("spec").path("template");
    ObjectNode pod = Json.MAPPER.createObjectNode();
    pod.put("apiVersion", "v1");
    pod.put("kind", "Pod");
    ObjectNode meta = pod.putObject("metadata");
    meta.put("name", name);
    meta.put("generateName", generateNamePrefix(Json.name(owner)));
    meta.put("namespace", Json.namespace(owner));
    JsonNode templateMeta = template.path("metadata");
    for (String field : List.of("labels", "annotations", "finalizers")) {
      if (templateMeta.has(field)) {
        meta.set(field, templateMeta.get(field).deepCopy());
      }
    }
    meta.putArray("ownerReferences").add(OwnerReferences.controllerRef(owner, ownerType));
    pod.set(
        "spec",
        template.has("spec") ? template.get("spec").deepCopy() : Json.MAPPER.createObjectNode());
    return pod;
  }

  /**
   * The owner's status after a pass over {@code active} pods (calculateStatus); {@code failure} is
   * the error of this pass's creations or deletions. Null when nothing changed.
   */
  public static ObjectNode status(
      JsonNode owner, List<? extends JsonNode> active, String failure, Instant now) {
    JsonNode old = owner.path("status");
    ObjectNode status =
        old.isObject() ? ((ObjectNode) old).deepCopy() : Json.MAPPER.createObjectNode();
    Map<String, String> templateLabels =
        Json.labels(
            owner.path("spec").path("template").isObject()
                ? owner.path("spec").path("template")
                : Json.MAPPER.createObjectNode());
    long minReadySeconds = owner.path("spec").path("minReadySeconds").asLong(0);
    int fullyLabeled = 0;
    int ready = 0;
    int available = 0;
    for (JsonNode pod : active) {
      if (Json.labels(pod).entrySet().containsAll(templateLabels.entrySet())) {
        fullyLabeled++;
      }
      if (PodReadiness.isReady(pod)) {
        ready++;
        if (PodReadiness.isAvailable(pod, minReadySeconds, now)) {
          available++;
        }
      }
    }
    boolean hasFailure = hasCondition(status, "ReplicaFailure");
    if (failure != null && !hasFailure) {
      int diff = active.size() - replicas(owner);
      String reason = diff < 0 ? "FailedCreate" : diff > 0 ? "FailedDelete" : "";
      ObjectNode condition = status.withArray("conditions").addObject();
      condition.put("type", "ReplicaFailure");
      condition.put("status", "True");
      condition.put("lastTransitionTime", ObjectLifecycle.timestamp(now));
      condition.put("reason", reason);
      condition.put("message", failure);
    } else if (failure == null && hasFailure) {
      removeCondition(status, "ReplicaFailure");
    }
    // Go's omitempty: zero counts are absent, except replicas.
    status.put("replicas", active.size());
    putOrRemove(status, "fullyLabeledReplicas", fullyLabeled);
    putOrRemove(status, "readyReplicas", ready);
    putOrRemove(status, "availableReplicas", available);
    putOrRemove(status, "observedGeneration", owner.path("metadata").path("generation").asLong(0));
    return status.equals(old) ? null : status;
  }

  /**
   * Whether a ready-but-not-yet-available pod will become available later (minReadySeconds): the
   * owner must look again then.
   */
  public static boolean awaitsAvailability(JsonNode owner, JsonNode status) {
    long minReadySeconds = owner.path("spec").path("minReadySeconds").asLong(0);
    return minReadySeconds > 0
        && status.path("readyReplicas").asInt() == replicas(owner)
        && status.path("availableReplicas").asInt() != replicas(owner);
  }

  /**
   * How long until the first ready pod that is not yet available (minReadySeconds) becomes
   * available: the owner looks again then. Empty when none is waiting.
   */
  public static Optional<Duration> nextAvailability(
      JsonNode owner, List<JsonNode> active, Instant now) {
    long minReadySeconds = owner.path("spec").path("minReadySeconds").asLong(0);
    if (minReadySeconds == 0) {
      return Optional.empty();
    }
    Optional<Instant> next = Optional.empty();
    for (JsonNode pod : active) {
      Optional<Instant> readySince = PodReadiness.readySince(pod);
      if (readySince.isEmpty() || PodReadiness.isAvailable(pod, minReadySeconds, now)) {
        continue;
      }
      Instant at = readySince.get().plusSeconds(minReadySeconds);
      next = next.isEmpty() || at.isBefore(next.get()) ? Optional.of(at) : next;
    }
    return next.map(at -> Duration.between(now, at).plusMillis(100))
        .map(d -> d.isNegative() ? Duration.ofMillis(100) : d);
  }

  private static void putOrRemove(ObjectNode status, String field, long value) {
    if (value == 0) {
      status.remove(field);
    } else {
      status.put(field, value);
    }
  }

  static boolean hasCondition(JsonNode status, String type) {
    for (JsonNode c : status.path("conditions")) {
      if (type.equals(c.path("type").asText())) {
        return true;
      }
    }
    return false;
  }

  static void removeCondition(ObjectNode status, String type) {
    JsonNode conditions = status.get("conditions");
    if (!(conditions instanceof ArrayNode array)) {
      return;
    }
    for (Iterator<JsonNode> it = array.iterator(); it.hasNext(); ) {
      if (type.equals(it.next().path("type").asText())) {
        it.remove();
      }
    }
    if (array.isEmpty()) {
      status.remove("conditions");
    }
  }

  /** The kinds this decision serves. */
  public static ResourceType typeOf(JsonNode owner) {
    return "ReplicationController".equals(owner.path("kind").asText())
        ? ResourceTypes.REPLICATION_CONTROLLERS
        : ResourceTypes.REPLICA_SETS;
  }
}
