package io.akkube.core.controller;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * The arithmetic of a RollingUpdate (k8s.io/kubernetes/pkg/controller/deployment/util): surge and
 * unavailability resolved against spec.replicas, surge rounded up, unavailability rounded down, and
 * never both zero.
 */
public final class RolloutMath {

  public static final String DEFAULT_PERCENT = "25%";

  /** maxSurge and maxUnavailable as pod counts. */
  public record Fenceposts(int maxSurge, int maxUnavailable) {}

  private RolloutMath() {}

  /**
   * GetScaledValueFromIntOrPercent: a count as is, a percentage of {@code total} rounded up or
   * down.
   */
  public static int scaled(JsonNode intOrPercent, int total, boolean roundUp) {
    if (intOrPercent == null || intOrPercent.isNull() || intOrPercent.isMissingNode()) {
      return scaled(DEFAULT_PERCENT, total, roundUp);
    }
    if (intOrPercent.isNumber()) {
      return intOrPercent.asInt();
    }
    return scaled(intOrPercent.asText(), total, roundUp);
  }

  static int scaled(String value, int total, boolean roundUp) {
    String v = value.trim();
    if (!v.endsWith("%")) {
      try {
        return Integer.parseInt(v);
      } catch (NumberFormatException e) {
        return 0;
      }
    }
    long percent;
    try {
      percent = Long.parseLong(v.substring(0, v.length() - 1));
    } catch (NumberFormatException e) {
      return 0;
    }
    long product = percent * total;
    return (int) (roundUp ? -Math.floorDiv(-product, 100) : Math.floorDiv(product, 100));
  }

  /** ResolveFenceposts: both zero would deadlock a rollout, so unavailability becomes 1. */
  public static Fenceposts resolve(JsonNode maxSurge, JsonNode maxUnavailable, int desired) {
    int surge = scaled(maxSurge, desired, true);
    int unavailable = scaled(maxUnavailable, desired, false);
    if (surge == 0 && unavailable == 0) {
      unavailable = 1;
    }
    return new Fenceposts(surge, unavailable);
  }

  public static boolean isRollingUpdate(JsonNode deployment) {
    String type = deployment.path("spec").path("strategy").path("type").asText("RollingUpdate");
    return !"Recreate".equals(type);
  }

  public static int replicas(JsonNode deployment) {
    return ReplicaSetSync.replicas(deployment);
  }

  /** MaxSurge of a deployment: 0 unless RollingUpdate. */
  public static int maxSurge(JsonNode deployment) {
    if (!isRollingUpdate(deployment)) {
      return 0;
    }
    JsonNode rolling = deployment.path("spec").path("strategy").path("rollingUpdate");
    return resolve(rolling.get("maxSurge"), rolling.get("maxUnavailable"), replicas(deployment))
        .maxSurge();
  }

  /** MaxUnavailable of a deployment: 0 unless RollingUpdate, never more than spec.replicas. */
  public static int maxUnavailable(JsonNode deployment) {
    int replicas = replicas(deployment);
    if (!isRollingUpdate(deployment) || replicas == 0) {
      return 0;
    }
    JsonNode rolling = deployment.path("spec").path("strategy").path("rollingUpdate");
    int unavailable =
        resolve(rolling.get("maxSurge"), rolling.get("maxUnavailable"), replicas).maxUnavailable();
    return Math.min(unavailable, replicas);
  }
}
