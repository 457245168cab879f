package io.akkube.core.object;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.akkube.core.CborSerializable;
import java.time.Instant;

/**
 * The facts in an object's journal. Each carries the whole object right after the change (without
 * resourceVersion, which the revision log assigns after the event is durable), so replaying the
 * last event of an incarnation rebuilds it and the journal is the object's full history.
 */
public sealed interface ObjectEvent extends CborSerializable {

  ObjectNode object();

  Instant at();

  /** The watch event type this change shows as: ADDED, MODIFIED or DELETED. */
  default String watchType() {
    if (this instanceof Created) {
      return "ADDED";
    }
    return this instanceof Deleted ? "DELETED" : "MODIFIED";
  }

  /** A new incarnation (new uid). */
  record Created(ObjectNode object, Instant at) implements ObjectEvent {}

  /** The main resource was replaced (spec and/or metadata). */
  record SpecReplaced(ObjectNode object, Instant at) implements ObjectEvent {}

  /** Only metadata changed (labels, annotations, finalizers, ownerReferences). */
  record MetadataPatched(ObjectNode object, Instant at) implements ObjectEvent {}

  /** The status subresource was written. */
  record StatusReplaced(ObjectNode object, Instant at) implements ObjectEvent {}

  /** A pod was bound to a node (pods/binding). */
  record Bound(ObjectNode object, Instant at) implements ObjectEvent {}

  /** Deletion started: deletionTimestamp set; waits for finalizers or graceful termination. */
  record DeletionRequested(ObjectNode object, Instant at) implements ObjectEvent {}

  /** The incarnation is gone; {@code object} is its last state. */
  record Deleted(ObjectNode object, Instant at) implements ObjectEvent {}
}
