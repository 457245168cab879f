package io.akkube.core.api.apps.v1;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.akkube.core.api.FieldError;
import io.akkube.core.validation.GoValues;
import java.util.ArrayList;
import java.util.List;

/**
 * ValidateDeployment / ValidateDeploymentUpdate / ValidateDeploymentStatusUpdate without the
 * metadata part: the ReplicaSet rules for selector and template, a valid update strategy, and
 * non-negative counts; the apps/v1 selector never changes.
 */
public final class DeploymentValidation {

  private static final List<String> STRATEGY_TYPES = List.of("Recreate", "RollingUpdate");

  private DeploymentValidation() {}

  public static List<FieldError> validateDeployment(ObjectNode deployment) {
    JsonNode spec = deployment.path("spec");
    List<FieldError> errs = new ArrayList<>();
    ReplicaSetValidation.nonNegative(spec, "replicas", "spec", errs);
    errs.addAll(ReplicaSetValidation.validateSelectorAndTemplate(spec, "ReplicaSet"));
    errs.addAll(validateStrategy(spec.path("strategy")));
    ReplicaSetValidation.nonNegative(spec, "minReadySeconds", "spec", errs);
    ReplicaSetValidation.nonNegative(spec, "revisionHistoryLimit", "spec", errs);
    JsonNode deadline = spec.get("progressDeadlineSeconds");
    if (deadline != null && deadline.isNumber()) {
      ReplicaSetValidation.nonNegative(spec, "progressDeadlineSeconds", "spec", errs);
      if (deadline.asLong() <= spec.path("minReadySeconds").asLong(0)) {
        errs.add(
            FieldError.invalid(
                "spec.progressDeadlineSeconds",
                deadline.asLong(),
                "must be greater than minReadySeconds"));
      }
    }
    return errs;
  }

  public static List<FieldError> validateDeploymentUpdate(
      ObjectNode deployment, ObjectNode oldDeployment) {
    List<FieldError> errs = validateDeployment(deployment);
    errs.addAll(ReplicaSetValidation.validateSelectorUnchanged(deployment, oldDeployment));
    return errs;
  }

  public static List<FieldError> validateDeploymentStatusUpdate(
      ObjectNode deployment, ObjectNode oldDeployment) {
    JsonNode status = deployment.path("status");
    List<FieldError> errs = new ArrayList<>();
    for (String field :
        List.of(
            "observedGeneration",
            "replicas",
            "updatedReplicas",
            "readyReplicas",
            "availableReplicas",
            "unavailableReplicas",
            "collisionCount")) {
      ReplicaSetValidation.nonNegative(status, field, "status", errs);
    }
    long replicas = status.path("replicas").asLong(0);
    for (String field : List.of("updatedReplicas", "readyReplicas", "availableReplicas")) {
      ReplicaSetValidation.notAbove(
          status, field, replicas, ReplicaSetValidation.CANNOT_EXCEED_REPLICAS, errs);
    }
    ReplicaSetValidation.notAbove(
        status,
        "availableReplicas",
        status.path("readyReplicas").asLong(0),
        ReplicaSetValidation.CANNOT_EXCEED_READY,
        errs);
    JsonNode collisions = status.get("collisionCount");
    JsonNode oldCollisions = oldDeployment.path("status").get("collisionCount");
    if (oldCollisions != null
        && oldCollisions.isNumber()
        && (collisions == null || collisions.asLong(0) < oldCollisions.asLong())) {
      errs.add(
          FieldError.invalid(
              "status.collisionCount",
              collisions == null ? 0 : collisions.asLong(0),
              "cannot be decremented"));
    }
    return errs;
  }

  /** ValidateDeploymentStrategy. */
  static List<FieldError> validateStrategy(JsonNode strategy) {
    List<FieldError> errs = new ArrayList<>();
    String type = strategy.path("type").asText("");
    JsonNode rollingUpdate = strategy.get("rollingUpdate");
    boolean hasRollingUpdate = rollingUpdate != null && !rollingUpdate.isNull();
    switch (type) {
      case "Recreate" -> {
        if (hasRollingUpdate) {
          errs.add(
              FieldError.forbidden(
                  "spec.strategy.rollingUpdate",
                  "may not be specified when strategy `type` is 'Recreate'"));
        }
      }
      case "RollingUpdate" -> {
        if (!hasRollingUpdate) {
          errs.add(
              FieldError.required(
                  "spec.strategy.rollingUpdate", "this should be defaulted and never be nil"));
        } else {
          errs.addAll(validateRollingUpdate(rollingUpdate));
        }
      }
      default ->
          errs.add(
              new FieldError(
                  FieldError.Type.NOT_SUPPORTED,
                  "spec.strategy",
                  "apps.DeploymentStrategy{Type:"
                      + GoValues.quote(type)
                      + ", RollingUpdate:(*apps.RollingUpdateDeployment)("
                      + (hasRollingUpdate ? "…" : "nil")
                      + ")}",
                  FieldError.notSupported("", "", STRATEGY_TYPES).detail()));
    }
    return errs;
  }

  /** ValidateRollingUpdateDeployment: counts or percentages, and not both zero. */
  static List<FieldError> validateRollingUpdate(JsonNode rollingUpdate) {
    String path = "spec.strategy.rollingUpdate";
    JsonNode maxUnavailable = rollingUpdate.get("maxUnavailable");
    JsonNode maxSurge = rollingUpdate.get("maxSurge");
    List<FieldError> errs = new ArrayList<>();
    errs.addAll(
        IntOrPercent.validatePositiveIntOrPercent(maxUnavailable, path + ".maxUnavailable"));
    errs.addAll(IntOrPercent.validatePositiveIntOrPercent(maxSurge, path + ".maxSurge"));
    if (IntOrPercent.value(maxUnavailable) == 0 && IntOrPercent.value(maxSurge) == 0) {
      errs.add(
          IntOrPercent.invalid(
              path + ".maxUnavailable", maxUnavailable, "may not be 0 when `maxSurge` is 0"));
    }
    errs.addAll(
        IntOrPercent.validateNotMoreThan100Percent(maxUnavailable, path + ".maxUnavailable"));
    return errs;
  }
}
