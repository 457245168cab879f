package io.akkube.core.api.core.v1;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.akkube.core.api.FieldError;
import io.akkube.core.validation.MetadataValidation;
import io.akkube.core.validation.NameValidation;
import java.util.ArrayList;
import java.util.List;

/** ValidateNamespace and its update/status/finalize variants, without the metadata part. */
public final class NamespaceValidation {

  private NamespaceValidation() {}

  public static List<FieldError> validateNamespace(ObjectNode namespace) {
    return validateSpecFinalizers(namespace);
  }

  public static List<FieldError> validateNamespaceUpdate(ObjectNode newNs, ObjectNode oldNs) {
    return List.of();
  }

  public static List<FieldError> validateNamespaceStatusUpdate(ObjectNode newNs, ObjectNode oldNs) {
    List<FieldError> errs = new ArrayList<>();
    boolean deleting = !Trees.text(newNs.path("metadata"), "deletionTimestamp").isEmpty();
    String phase = Trees.text(newNs.path("status"), "phase");
    if (!deleting && !phase.equals("Active")) {
      errs.add(
          FieldError.invalid(
              "status.Phase", phase, "may only be 'Active' if `deletionTimestamp` is empty"));
    }
    if (deleting && !phase.equals("Terminating")) {
      errs.add(
          FieldError.invalid(
              "status.Phase",
              phase,
              "may only be in terminating status if `deletionTimestamp` is not empty"));
    }
    return errs;
  }

  /** The finalize subresource: only spec.finalizers change, and they must be valid. */
  public static List<FieldError> validateNamespaceFinalizeUpdate(
      ObjectNode newNs, ObjectNode oldNs) {
    return validateSpecFinalizers(newNs);
  }

  private static List<FieldError> validateSpecFinalizers(ObjectNode namespace) {
    List<FieldError> errs = new ArrayList<>();
    String path = "spec.finalizers";
    for (JsonNode f : namespace.path("spec").path("finalizers")) {
      String finalizer = f.asText();
      for (String msg : NameValidation.isQualifiedName(finalizer)) {
        errs.add(FieldError.invalid(path, finalizer, msg));
      }
      errs.addAll(MetadataValidation.validateKubeFinalizerName(finalizer, path));
    }
    return errs;
  }
}
