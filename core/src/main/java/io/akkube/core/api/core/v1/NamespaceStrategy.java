package io.akkube.core.api.core.v1;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.akkube.core.api.FieldError;
import io.akkube.core.object.ResourceStrategy;
import java.util.List;

/**
 * The namespace registry strategy: a new namespace is Active and carries the "kubernetes" spec
 * finalizer; spec.finalizers change only through the finalize subresource; deletion marks it
 * Terminating and waits for both kinds of finalizers.
 */
public final class NamespaceStrategy implements ResourceStrategy {

  public static final String FINALIZER_KUBERNETES = "kubernetes";

  @Override
  public void applyDefaults(ObjectNode namespace) {
    NamespaceDefaults.applyDefaults(namespace);
  }

  @Override
  public void prepareForCreate(ObjectNode namespace) {
    namespace.putObject("status").put("phase", "Active");
    ObjectNode spec = Trees.objectOrCreate(namespace, "spec");
    JsonNode existing = spec.get("finalizers");
    ArrayNode finalizers = existing instanceof ArrayNode a ? a : spec.putArray("finalizers");
    for (JsonNode f : finalizers) {
      if (f.asText().equals(FINALIZER_KUBERNETES)) {
        return;
      }
    }
    finalizers.add(FINALIZER_KUBERNETES);
  }

  @Override
  public void prepareForUpdate(ObjectNode newNs, ObjectNode oldNs) {
    ObjectNode spec = Trees.objectOrCreate(newNs, "spec");
    JsonNode oldFinalizers = oldNs.path("spec").get("finalizers");
    if (oldFinalizers == null) {
      spec.remove("finalizers");
    } else {
      spec.set("finalizers", oldFinalizers.deepCopy());
    }
    PodStrategy.copy(oldNs, newNs, "status");
  }

  @Override
  public void prepareForStatusUpdate(ObjectNode newNs, ObjectNode oldNs) {
    PodStrategy.copy(oldNs, newNs, "spec");
  }

  @Override
  public List<FieldError> validateCreate(ObjectNode namespace) {
    return NamespaceValidation.validateNamespace(namespace);
  }

  /** Also the finalize subresource's validation: spec.finalizers must stay valid names. */
  @Override
  public List<FieldError> validateUpdate(ObjectNode newNs, ObjectNode oldNs) {
    return NamespaceValidation.validateNamespaceFinalizeUpdate(newNs, oldNs);
  }

  @Override
  public List<FieldError> validateStatusUpdate(ObjectNode newNs, ObjectNode oldNs) {
    return NamespaceValidation.validateNamespaceStatusUpdate(newNs, oldNs);
  }

  @Override
  public boolean tracksGeneration() {
    return false;
  }

  /** A namespace waits for its metadata finalizers and for spec.finalizers ("kubernetes"). */
  public boolean hasPendingFinalizers(ObjectNode namespace) {
    JsonNode meta = namespace.path("metadata").path("finalizers");
    JsonNode spec = namespace.path("spec").path("finalizers");
    return meta.size() > 0 || spec.size() > 0;
  }

  /** Deletion starts: the namespace becomes Terminating. */
  public void prepareForDeletion(ObjectNode namespace) {
    Trees.objectOrCreate(namespace, "status").put("phase", "Terminating");
  }
}
