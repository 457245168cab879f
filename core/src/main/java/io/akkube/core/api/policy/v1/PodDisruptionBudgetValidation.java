package io.akkube.core.api.policy.v1;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.akkube.core.api.FieldError;
import io.akkube.core.api.apps.v1.IntOrPercent;
import io.akkube.core.validation.GoValues;
import io.akkube.core.validation.LabelSelectorValidation;
import io.akkube.core.validation.MetadataValidation;
import java.util.ArrayList;
import java.util.List;

/**
 * ValidatePodDisruptionBudget / …StatusUpdate without the metadata part: at most one of
 * minAvailable and maxUnavailable, each a count or a percentage up to 100%, a valid selector.
 */
public final class PodDisruptionBudgetValidation {

  private static final List<String> UNHEALTHY_POD_EVICTION_POLICIES =
      List.of("AlwaysAllow", "IfHealthyBudget");

  private PodDisruptionBudgetValidation() {}

  public static List<FieldError> validatePodDisruptionBudget(ObjectNode pdb) {
    JsonNode spec = pdb.path("spec");
    List<FieldError> errs = new ArrayList<>();
    JsonNode minAvailable = spec.get("minAvailable");
    JsonNode maxUnavailable = spec.get("maxUnavailable");
    boolean hasMin = minAvailable != null && !minAvailable.isNull();
    boolean hasMax = maxUnavailable != null && !maxUnavailable.isNull();
    if (hasMin && hasMax) {
      errs.add(
          new FieldError(
              FieldError.Type.INVALID,
              "spec",
              specValue(spec),
              "minAvailable and maxUnavailable cannot be both set"));
    }
    for (String field : List.of("minAvailable", "maxUnavailable")) {
      JsonNode value = spec.get(field);
      errs.addAll(IntOrPercent.validatePositiveIntOrPercent(value, "spec." + field));
      errs.addAll(IntOrPercent.validateNotMoreThan100Percent(value, "spec." + field));
    }
    errs.addAll(
        LabelSelectorValidation.validateLabelSelector(spec.get("selector"), "spec.selector"));
    if (spec.hasNonNull("unhealthyPodEvictionPolicy")) {
      String policy = spec.path("unhealthyPodEvictionPolicy").asText();
      if (!UNHEALTHY_POD_EVICTION_POLICIES.contains(policy)) {
        errs.add(
            FieldError.notSupported(
                "spec.unhealthyPodEvictionPolicy", policy, UNHEALTHY_POD_EVICTION_POLICIES));
      }
    }
    return errs;
  }

  public static List<FieldError> validatePodDisruptionBudgetStatusUpdate(ObjectNode pdb) {
    JsonNode status = pdb.path("status");
    List<FieldError> errs = new ArrayList<>();
    for (String field :
        List.of("disruptionsAllowed", "currentHealthy", "desiredHealthy", "expectedPods")) {
      JsonNode value = status.get(field);
      if (value != null && value.isNumber() && value.asLong() < 0) {
        errs.add(
            FieldError.invalid("status." + field, value.asLong(), MetadataValidation.IS_NEGATIVE));
      }
    }
    return errs;
  }

  /**
   * Kubernetes prints the whole spec struct here, pointers as addresses; we print what the pointers
   * hold.
   */
  private static String specValue(JsonNode spec) {
    return "policy.PodDisruptionBudgetSpec{MinAvailable:&"
        + GoValues.intOrString(spec.get("minAvailable"))
        + ", Selector:"
        + (spec.hasNonNull("selector") ? "&" + GoValues.labelSelector(spec.get("selector")) : "nil")
        + ", MaxUnavailable:&"
        + GoValues.intOrString(spec.get("maxUnavailable"))
        + "}";
  }
}
