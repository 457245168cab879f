package io.akkube.core.object;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.akkube.core.api.ApiStatus;
import io.akkube.core.api.FieldError;
import io.akkube.core.api.Json;
import io.akkube.core.api.ResourceType;
import io.akkube.core.patch.Patches;
import io.akkube.core.store.DeleteOptions;
import io.akkube.core.store.PatchType;
import io.akkube.core.validation.MetadataValidation;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.UUID;

/**
 * The object lifecycle every kind shares, as pure decisions: given the current object and a
 * request, either the event to persist, "nothing changed", or a Kubernetes Status error. Metadata
 * rules, uid per incarnation, generation, resourceVersion and uid preconditions, finalizers and
 * graceful deletion live here once; kind rules come from the {@link ResourceStrategy}.
 *
 * <p>Objects handed in are never mutated; every decision works on a copy.
 */
public final class ObjectLifecycle {

  /** What a request leads to. */
  public sealed interface Decision {}

  /** Persist this event (or, for a dry run, only answer with its object). */
  public record Persist(ObjectEvent event) implements Decision {}

  /** The request changes nothing: answer with the current object, persist nothing. */
  public record Unchanged() implements Decision {}

  public record Reject(ApiStatus status) implements Decision {}

  private final ResourceType type;
  private final ResourceStrategy strategy;

  public ObjectLifecycle(ResourceType type, ResourceStrategy strategy) {
    this.type = type;
    this.strategy = strategy;
  }

  public ResourceType type() {
    return type;
  }

  /**
   * Creates a new incarnation. {@code current} is the live object or null; the input already has
   * its final name and namespace.
   */
  public Decision create(ObjectNode current, ObjectNode input, Instant now) {
    String name = Json.name(input);
    if (current != null) {
      return new Reject(ApiStatus.alreadyExists(type, name));
    }
    ObjectNode obj = input.deepCopy();
    ObjectNode meta = Json.meta(obj);
    if (!Json.text(meta, "resourceVersion").isEmpty()) {
      return new Reject(
          ApiStatus.invalid(
              type,
              name,
              List.of(
                  FieldError.invalid(
                      "metadata.resourceVersion",
                      meta.get("resourceVersion").asText(),
                      "must be empty"))));
    }
    obj.put("apiVersion", type.apiVersion());
    obj.put("kind", type.kind());
    meta.remove(List.of("resourceVersion", "deletionTimestamp", "deletionGracePeriodSeconds"));
    meta.put("uid", UUID.randomUUID().toString());
    meta.put("creationTimestamp", timestamp(now));
    if (strategy.tracksGeneration()) {
      meta.put("generation", 1);
    } else {
      meta.remove("generation");
    }
    strategy.prepareForCreate(obj);
    strategy.applyDefaults(obj);
    List<FieldError> errors = new ArrayList<>(MetadataValidation.validateObjectMeta(obj, type));
    errors.addAll(strategy.validateCreate(obj));
    if (!errors.isEmpty()) {
      return new Reject(ApiStatus.invalid(type, name, errors));
    }
    return new Persist(new ObjectEvent.Created(obj, now));
  }

  /**
   * Replaces the object, or only its status when {@code subresource} is "status". {@code current}
   * carries its resourceVersion; a resourceVersion or uid in the input is a precondition.
   */
  public Decision update(ObjectNode current, ObjectNode input, String subresource, Instant now) {
    String name = Json.name(input).isEmpty() ? Json.name(current) : Json.name(input);
    if (current == null) {
      return new Reject(ApiStatus.notFound(type, name));
    }
    if ("scale".equals(subresource)) {
      // A Scale writes spec.replicas of the main resource, under the Scale's preconditions.
      return update(current, ScaleSubresource.apply(current, input), null, now);
    }
    String rv = Json.metaText(input, "resourceVersion");
    if (!rv.isEmpty() && !rv.equals(Json.metaText(current, "resourceVersion"))) {
      return new Reject(ApiStatus.modifiedConflict(type, name));
    }
    String uid = Json.metaText(input, "uid");
    if (!uid.isEmpty() && !uid.equals(Json.metaText(current, "uid"))) {
      return new Reject(
          ApiStatus.conflict(
              type,
              name,
              "Precondition failed: UID in precondition: "
                  + uid
                  + ", UID in object meta: "
                  + Json.metaText(current, "uid")));
    }
    ObjectNode old = withoutRevision(current);
    ObjectNode obj;
    boolean status = "status".equals(subresource);
    if ("finalize".equals(subresource)) {
      // namespaces/finalize: only spec.finalizers changes (the namespace controller's last step).
      obj = old.deepCopy();
      JsonNode finalizers = input.path("spec").get("finalizers");
      if (finalizers == null || finalizers.isNull()) {
        obj.with("spec").remove("finalizers");
      } else {
        obj.with("spec").set("finalizers", finalizers.deepCopy());
      }
    } else if (status) {
      obj = old.deepCopy();
      JsonNode newStatus = input.get("status");
      if (newStatus == null) {
        obj.remove("status");
      } else {
        obj.set("status", newStatus.deepCopy());
      }
      strategy.prepareForStatusUpdate(obj, old);
    } else {
      obj = input.deepCopy();
      obj.put("apiVersion", type.apiVersion());
      obj.put("kind", type.kind());
      ObjectNode meta = Json.meta(obj);
      ObjectNode oldMeta = (ObjectNode) old.get("metadata");
      for (String systemField :
          List.of(
              "uid",
              "creationTimestamp",
              "deletionTimestamp",
              "deletionGracePeriodSeconds",
              "generation",
              "name",
              "namespace")) {
        if (oldMeta.has(systemField)) {
          meta.set(systemField, oldMeta.get(systemField));
        } else {
          meta.remove(systemField);
        }
      }
      meta.remove("resourceVersion");
      if (type.hasStatus()) {
        if (old.has("status")) {
          obj.set("status", old.get("status").deepCopy());
        } else {
          obj.remove("status");
        }
      }
      strategy.prepareForUpdate(obj, old);
    }
    strategy.applyDefaults(obj);
    List<FieldError> errors = new ArrayList<>();
    errors.addAll(MetadataValidation.validateObjectMetaUpdate(obj, old));
    errors.addAll(MetadataValidation.validateObjectMeta(obj, type));
    errors.addAll(
        status ? strategy.validateStatusUpdate(obj, old) : strategy.validateUpdate(obj, old));
    if (!errors.isEmpty()) {
      return new Reject(ApiStatus.invalid(type, name, errors));
    }
    if (!status && strategy.tracksGeneration() && !sameExcept(obj, old, "metadata", "status")) {
      long generation = old.path("metadata").path("generation").asLong(0);
      Json.meta(obj).put("generation", generation + 1);
    }
    if (obj.equals(old)) {
      return new Unchanged();
    }
    if (old.path("metadata").has("deletionTimestamp")
        && old.path("metadata").path("deletionGracePeriodSeconds").asLong(0) == 0
        && !strategy.hasPendingFinalizers(obj)) {
      // The last finalizer went away (a graceful pod is finished by its node's grace-0 delete).
      return new Persist(new ObjectEvent.Deleted(obj, now));
    }
    if (status) {
      return new Persist(new ObjectEvent.StatusReplaced(obj, now));
    }
    if (sameExcept(obj, old, "metadata")) {
      return new Persist(new ObjectEvent.MetadataPatched(obj, now));
    }
    return new Persist(new ObjectEvent.SpecReplaced(obj, now));
  }

  /** Applies a patch to the current object, then decides as an update. */
  public Decision patch(
      ObjectNode current,
      PatchType patchType,
      byte[] patch,
      String subresource,
      String name,
      Instant now) {
    if (current == null) {
      return new Reject(ApiStatus.notFound(type, name));
    }
    ObjectNode patched;
    try {
      ObjectNode target = "scale".equals(subresource) ? ScaleSubresource.view(current) : current;
      patched = Patches.apply(patchType, target, patch, type);
    } catch (io.akkube.core.api.ApiException e) {
      return new Reject(e.status());
    }
    return update(current, patched, subresource, now);
  }

  /** Starts or completes deletion. */
  public Decision delete(ObjectNode current, DeleteOptions options, String name, Instant now) {
    if (current == null) {
      return new Reject(ApiStatus.notFound(type, name));
    }
    String currentUid = Json.metaText(current, "uid");
    if (options.preconditionUid() != null
        && !options.preconditionUid().isEmpty()
        && !options.preconditionUid().equals(currentUid)) {
      return new Reject(
          ApiStatus.conflict(
              type,
              name,
              "Precondition failed: UID in precondition: "
                  + options.preconditionUid()
                  + ", UID in object meta: "
                  + currentUid));
    }
    String currentRv = Json.metaText(current, "resourceVersion");
    if (options.preconditionResourceVersion() != null
        && !options.preconditionResourceVersion().isEmpty()
        && !options.preconditionResourceVersion().equals(currentRv)) {
      return new Reject(
          ApiStatus.conflict(
              type,
              name,
              "Precondition failed: ResourceVersion in precondition: "
                  + options.preconditionResourceVersion()
                  + ", ResourceVersion in object meta: "
                  + currentRv));
    }
    ObjectNode obj = withoutRevision(current);
    ObjectNode meta = Json.meta(obj);
    long grace = strategy.gracePeriodSeconds(obj, options.gracePeriodSeconds());
    boolean gcFinalizersChanged = applyPropagationPolicy(meta, options.propagationPolicy());
    boolean finalizers = strategy.hasPendingFinalizers(obj);
    if (meta.has("deletionTimestamp")) {
      // Already terminating: a shorter grace period (e.g. --grace-period=0 --force) may end it now.
      long currentGrace = meta.path("deletionGracePeriodSeconds").asLong(0);
      if (grace >= currentGrace) {
        return gcFinalizersChanged
            ? new Persist(new ObjectEvent.DeletionRequested(obj, now))
            : new Unchanged();
      }
      meta.put("deletionGracePeriodSeconds", grace);
      meta.put("deletionTimestamp", timestamp(now.plusSeconds(grace)));
      if (grace == 0 && !finalizers) {
        return new Persist(new ObjectEvent.Deleted(obj, now));
      }
      return new Persist(new ObjectEvent.DeletionRequested(obj, now));
    }
    if (grace == 0 && !finalizers) {
      return new Persist(new ObjectEvent.Deleted(obj, now));
    }
    meta.put("deletionTimestamp", timestamp(now.plusSeconds(grace)));
    meta.put("deletionGracePeriodSeconds", grace);
    strategy.prepareForDeletion(obj);
    return new Persist(new ObjectEvent.DeletionRequested(obj, now));
  }

  /**
   * The garbage collector's finalizers for an explicit propagationPolicy, as the apiserver sets
   * them: Orphan adds {@code orphan}, Foreground adds {@code foregroundDeletion}, Background
   * removes both; without a policy the object's own finalizers decide. True when they changed.
   */
  private static boolean applyPropagationPolicy(ObjectNode meta, String policy) {
    if (policy == null || policy.isEmpty()) {
      return false;
    }
    List<String> before = new ArrayList<>();
    meta.path("finalizers").forEach(f -> before.add(f.asText()));
    List<String> after = new ArrayList<>(before);
    after.removeIf(f -> f.equals("orphan") || f.equals("foregroundDeletion"));
    if (policy.equals("Orphan")) {
      after.add("orphan");
    } else if (policy.equals("Foreground")) {
      after.add("foregroundDeletion");
    }
    if (new java.util.HashSet<>(after).equals(new java.util.HashSet<>(before))) {
      return false;
    }
    var array = meta.putArray("finalizers");
    after.forEach(array::add);
    if (after.isEmpty()) {
      meta.remove("finalizers");
    }
    return true;
  }

  /** pods/binding: sets spec.nodeName once, and the PodScheduled condition. */
  public Decision bind(ObjectNode current, String name, String nodeName, Instant now) {
    if (current == null) {
      return new Reject(ApiStatus.notFound(type, name));
    }
    if (current.path("metadata").has("deletionTimestamp")) {
      return new Reject(
          ApiStatus.conflict(type, name, "pod " + name + " is being deleted, cannot be assigned"));
    }
    String assigned = current.path("spec").path("nodeName").asText("");
    if (!assigned.isEmpty()) {
      return new Reject(
          ApiStatus.conflict(
              type, name, "pod " + name + " is already assigned to node \"" + assigned + "\""));
    }
    ObjectNode obj = withoutRevision(current);
    obj.with("spec").put("nodeName", nodeName);
    ObjectNode status = obj.with("status");
    var conditions = status.withArray("conditions");
    for (Iterator<JsonNode> it = conditions.iterator(); it.hasNext(); ) {
      if ("PodScheduled".equals(it.next().path("type").asText())) {
        it.remove();
      }
    }
    ObjectNode scheduled = conditions.addObject();
    scheduled.put("type", "PodScheduled");
    scheduled.put("status", "True");
    scheduled.putNull("lastProbeTime");
    scheduled.put("lastTransitionTime", timestamp(now));
    return new Persist(new ObjectEvent.Bound(obj, now));
  }

  /** RFC 3339 at second precision, as Kubernetes writes metav1.Time. */
  public static String timestamp(Instant instant) {
    return instant.truncatedTo(ChronoUnit.SECONDS).toString();
  }

  private static ObjectNode withoutRevision(ObjectNode obj) {
    ObjectNode copy = obj.deepCopy();
    Json.meta(copy).remove("resourceVersion");
    return copy;
  }

  private static boolean sameExcept(ObjectNode a, ObjectNode b, String... ignored) {
    ObjectNode x = a.deepCopy();
    ObjectNode y = b.deepCopy();
    for (String field : ignored) {
      x.remove(field);
      y.remove(field);
    }
    return x.equals(y);
  }
}
