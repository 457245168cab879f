package io.akkube.core.validation;

import com.fasterxml.jackson.databind.JsonNode;
import io.akkube.core.api.FieldError;
import java.util.ArrayList;
import java.util.List;

/**
 * metav1 validation's ValidateLabelSelector, strict about values (selectors of workloads): label
 * keys and values as labels have them, and operators with the values they need.
 */
public final class LabelSelectorValidation {

  private LabelSelectorValidation() {}

  /** Nothing to report for an absent selector: whether one is required is the kind's rule. */
  public static List<FieldError> validateLabelSelector(JsonNode selector, String path) {
    List<FieldError> errs = new ArrayList<>();
    if (selector == null || !selector.isObject()) {
      return errs;
    }
    errs.addAll(
        MetadataValidation.validateLabels(selector.path("matchLabels"), path + ".matchLabels"));
    int i = 0;
    for (JsonNode expr : selector.path("matchExpressions")) {
      String exprPath = path + ".matchExpressions[" + i++ + "]";
      String operator = expr.path("operator").asText("");
      int values = expr.path("values").size();
      switch (operator) {
        case "In", "NotIn" -> {
          if (values == 0) {
            errs.add(
                FieldError.required(
                    exprPath + ".values", "must be specified when `operator` is 'In' or 'NotIn'"));
          }
        }
        case "Exists", "DoesNotExist" -> {
          if (values > 0) {
            errs.add(
                FieldError.forbidden(
                    exprPath + ".values",
                    "may not be specified when `operator` is 'Exists' or 'DoesNotExist'"));
          }
        }
        default ->
            errs.add(
                FieldError.invalid(
                    exprPath + ".operator", operator, "not a valid selector operator"));
      }
      String key = expr.path("key").asText("");
      for (String msg : NameValidation.isQualifiedName(key)) {
        errs.add(FieldError.invalid(exprPath + ".key", key, msg));
      }
      int v = 0;
      for (JsonNode value : expr.path("values")) {
        for (String msg : NameValidation.isValidLabelValue(value.asText())) {
          errs.add(FieldError.invalid(exprPath + ".values[" + v + "]", value.asText(), msg));
        }
        v++;
      }
    }
    return errs;
  }
}
