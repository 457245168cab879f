package io.akkube.core.object;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.akkube.core.api.FieldError;
import java.util.List;

/**
 * Kind-specific rules of the generic object lifecycle, as Kubernetes' registry strategies have
 * them. The lifecycle ({@link ObjectLifecycle}) handles everything common to all kinds (metadata,
 * uid, generation, resourceVersion, finalizers, deletion) and calls these hooks. Every hook
 * receives trees it may mutate freely (the lifecycle passes copies).
 *
 * <p>Kind-specific files live next to the kind: {@code PodStrategy} uses {@code PodDefaults} and
 * {@code PodValidation}.
 */
public interface ResourceStrategy {

  /** Fills defaults as Kubernetes' defaulting does (applied on create and on every update). */
  default void applyDefaults(ObjectNode obj) {}

  /**
   * Resets what a client may not set on create (status for kinds with a status subresource, …).
   * Called before defaulting and validation.
   */
  default void prepareForCreate(ObjectNode obj) {}

  /**
   * Main-resource update: keep what the main resource may not change (for kinds with a status
   * subresource the old status is kept).
   */
  default void prepareForUpdate(ObjectNode newObj, ObjectNode oldObj) {}

  /** Status-subresource update: only status changes; spec and metadata come from the old object. */
  default void prepareForStatusUpdate(ObjectNode newObj, ObjectNode oldObj) {}

  /** Kind-specific validation of a new object (metadata is validated by the lifecycle). */
  default List<FieldError> validateCreate(ObjectNode obj) {
    return List.of();
  }

  /** Kind-specific validation of an update, including immutable fields. */
  default List<FieldError> validateUpdate(ObjectNode newObj, ObjectNode oldObj) {
    return validateCreate(newObj);
  }

  default List<FieldError> validateStatusUpdate(ObjectNode newObj, ObjectNode oldObj) {
    return List.of();
  }

  /** Whether a spec change bumps metadata.generation (true for kinds with a spec). */
  default boolean tracksGeneration() {
    return true;
  }

  /**
   * The grace period a delete gets, given the one requested (null: none asked for). Kinds without
   * graceful deletion (the default) are deleted at once whatever was asked, as in Kubernetes; pods
   * bound to a node get the requested period or spec.terminationGracePeriodSeconds.
   */
  default long gracePeriodSeconds(ObjectNode obj, Long requested) {
    return 0;
  }

  /** Warnings returned to the client (HTTP Warning headers) on create/update, e.g. deprecations. */
  default List<String> warnings(ObjectNode obj) {
    return List.of();
  }

  /**
   * Whether deletion must wait: metadata.finalizers by default (namespaces also wait for
   * spec.finalizers).
   */
  default boolean hasPendingFinalizers(ObjectNode obj) {
    var finalizers = obj.path("metadata").path("finalizers");
    return finalizers.isArray() && finalizers.size() > 0;
  }

  /** Changes made when deletion starts (a namespace goes to phase Terminating). */
  default void prepareForDeletion(ObjectNode obj) {}
}
