package io.akkube.core.api.core.v1;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.akkube.core.api.FieldError;
import io.akkube.core.api.Json;
import io.akkube.core.selection.LabelSelector;
import io.akkube.core.validation.MetadataValidation;
import java.util.ArrayList;
import java.util.List;

/**
 * ValidateReplicationController / …StatusUpdate without the metadata part: a non-empty selector (a
 * plain label map, which may change) that selects the template's labels, and non-negative counts.
 */
public final class ReplicationControllerValidation {

  private static final String CANNOT_EXCEED_REPLICAS = "cannot be greater than status.replicas";

  private ReplicationControllerValidation() {}

  public static List<FieldError> validateReplicationController(ObjectNode rc) {
    JsonNode spec = rc.path("spec");
    List<FieldError> errs = new ArrayList<>();
    nonNegative(spec, "minReadySeconds", "spec", errs);
    JsonNode selectorMap = spec.get("selector");
    if (Trees.isEmpty(selectorMap)) {
      errs.add(FieldError.required("spec.selector", ""));
    }
    nonNegative(spec, "replicas", "spec", errs);
    LabelSelector selector = LabelSelector.everything();
    if (selectorMap != null && selectorMap.isObject()) {
      ObjectNode asLabelSelector = Json.MAPPER.createObjectNode();
      asLabelSelector.set("matchLabels", selectorMap);
      try {
        selector = LabelSelector.fromJson(asLabelSelector);
      } catch (io.akkube.core.api.ApiException e) {
        // An invalid key or value never selects the template: reported as a mismatch.
        selector = LabelSelector.nothing();
      }
    }
    errs.addAll(
        PodTemplateValidation.validateReplicatedTemplate(
            spec.get("template"), selector, "spec.template", "ReplicationController"));
    return errs;
  }

  public static List<FieldError> validateReplicationControllerStatusUpdate(ObjectNode rc) {
    JsonNode status = rc.path("status");
    List<FieldError> errs = new ArrayList<>();
    for (String field :
        List.of(
            "replicas",
            "fullyLabeledReplicas",
            "readyReplicas",
            "availableReplicas",
            "observedGeneration")) {
      nonNegative(status, field, "status", errs);
    }
    long replicas = status.path("replicas").asLong(0);
    for (String field : List.of("fullyLabeledReplicas", "readyReplicas", "availableReplicas")) {
      long value = status.path(field).asLong(0);
      if (value > replicas) {
        errs.add(FieldError.invalid("status." + field, value, CANNOT_EXCEED_REPLICAS));
      }
    }
    long available = status.path("availableReplicas").asLong(0);
    if (available > status.path("readyReplicas").asLong(0)) {
      errs.add(
          FieldError.invalid(
              "status.availableReplicas", available, "cannot be greater than readyReplicas"));
    }
    return errs;
  }

  private static void nonNegative(
      JsonNode parent, String field, String path, List<FieldError> errs) {
    JsonNode value = parent.get(field);
    if (value != null && value.isNumber() && value.asLong() < 0) {
      errs.add(
          FieldError.invalid(path + "." + field, value.asLong(), MetadataValidation.IS_NEGATIVE));
    }
  }
}
