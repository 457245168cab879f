package io.akkube.core.api.apps.v1;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.akkube.core.api.ApiException;
import io.akkube.core.api.FieldError;
import io.akkube.core.api.core.v1.PodTemplateValidation;
import io.akkube.core.selection.LabelSelector;
import io.akkube.core.validation.GoValues;
import io.akkube.core.validation.LabelSelectorValidation;
import io.akkube.core.validation.MetadataValidation;
import java.util.ArrayList;
import java.util.List;

/**
 * ValidateReplicaSet / ValidateReplicaSetUpdate / ValidateReplicaSetStatusUpdate without the
 * metadata part, plus the apps/v1 rule that the selector never changes. The selector and template
 * rules are shared with Deployments.
 */
public final class ReplicaSetValidation {

  static final String CANNOT_EXCEED_REPLICAS = "cannot be greater than status.replicas";
  static final String CANNOT_EXCEED_READY = "cannot be greater than readyReplicas";

  private ReplicaSetValidation() {}

  public static List<FieldError> validateReplicaSet(ObjectNode rs) {
    JsonNode spec = rs.path("spec");
    List<FieldError> errs = new ArrayList<>();
    nonNegative(spec, "replicas", "spec", errs);
    nonNegative(spec, "minReadySeconds", "spec", errs);
    errs.addAll(validateSelectorAndTemplate(spec, "ReplicaSet"));
    return errs;
  }

  public static List<FieldError> validateReplicaSetUpdate(ObjectNode rs, ObjectNode oldRs) {
    List<FieldError> errs = validateReplicaSet(rs);
    errs.addAll(validateSelectorUnchanged(rs, oldRs));
    return errs;
  }

  public static List<FieldError> validateReplicaSetStatusUpdate(ObjectNode rs, ObjectNode oldRs) {
    JsonNode status = rs.path("status");
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
      notAbove(status, field, replicas, CANNOT_EXCEED_REPLICAS, errs);
    }
    notAbove(
        status,
        "availableReplicas",
        status.path("readyReplicas").asLong(0),
        CANNOT_EXCEED_READY,
        errs);
    return errs;
  }

  /**
   * The selector is required, valid and not empty, and selects the template's labels; the template
   * is a valid pod template whose pods always restart. Kubernetes words the empty-selector error
   * "for deployment" for ReplicaSets too.
   */
  static List<FieldError> validateSelectorAndTemplate(JsonNode spec, String kind) {
    List<FieldError> errs = new ArrayList<>();
    JsonNode selector = spec.get("selector");
    boolean absent = selector == null || selector.isNull();
    if (absent) {
      errs.add(FieldError.required("spec.selector", ""));
    } else {
      errs.addAll(LabelSelectorValidation.validateLabelSelector(selector, "spec.selector"));
      if (selector.path("matchLabels").size() + selector.path("matchExpressions").size() == 0) {
        errs.add(selectorError(selector, "empty selector is invalid for deployment"));
      }
    }
    LabelSelector parsed;
    try {
      parsed = LabelSelector.fromJson(absent ? null : selector);
    } catch (ApiException e) {
      errs.add(selectorError(selector, "invalid label selector"));
      return errs;
    }
    errs.addAll(
        PodTemplateValidation.validateReplicatedTemplate(
            spec.get("template"), parsed, "spec.template", kind));
    return errs;
  }

  /** apps/v1 selectors are immutable (the strategies' ValidateUpdate). */
  static List<FieldError> validateSelectorUnchanged(ObjectNode obj, ObjectNode old) {
    JsonNode selector = obj.path("spec").get("selector");
    JsonNode oldSelector = old.path("spec").get("selector");
    if (sameSelector(selector, oldSelector)) {
      return List.of();
    }
    return List.of(selectorError(selector, MetadataValidation.FIELD_IMMUTABLE));
  }

  /** Semantic equality, in which an absent list or map equals an empty one. */
  static boolean sameSelector(JsonNode a, JsonNode b) {
    boolean aAbsent = a == null || a.isNull();
    boolean bAbsent = b == null || b.isNull();
    if (aAbsent || bAbsent) {
      return aAbsent == bAbsent;
    }
    return sameOrEmpty(a.get("matchLabels"), b.get("matchLabels"))
        && sameOrEmpty(a.get("matchExpressions"), b.get("matchExpressions"));
  }

  static void nonNegative(JsonNode parent, String field, String path, List<FieldError> errs) {
    JsonNode value = parent.get(field);
    if (value != null && value.isNumber() && value.asLong() < 0) {
      errs.add(
          FieldError.invalid(path + "." + field, value.asLong(), MetadataValidation.IS_NEGATIVE));
    }
  }

  static void notAbove(
      JsonNode status, String field, long limit, String detail, List<FieldError> errs) {
    long value = status.path(field).asLong(0);
    if (value > limit) {
      errs.add(FieldError.invalid("status." + field, value, detail));
    }
  }

  private static FieldError selectorError(JsonNode selector, String detail) {
    String rendered =
        selector == null || selector.isNull() ? "null" : GoValues.labelSelector(selector);
    return new FieldError(FieldError.Type.INVALID, "spec.selector", rendered, detail);
  }

  private static boolean sameOrEmpty(JsonNode a, JsonNode b) {
    boolean aEmpty = a == null || a.isNull() || a.isEmpty();
    boolean bEmpty = b == null || b.isNull() || b.isEmpty();
    return aEmpty || bEmpty ? aEmpty == bEmpty : a.equals(b);
  }
}
