package io.akkube.core.api.apps.v1;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.akkube.core.api.core.v1.PodTemplateDefaults;

/**
 * SetDefaults_Deployment of apps/v1: one replica, a RollingUpdate of 25% surge and 25%
 * unavailability, ten old ReplicaSets kept, ten minutes to make progress; the pod template gets the
 * pod defaults.
 */
public final class DeploymentDefaults {

  public static final int DEFAULT_REPLICAS = 1;
  public static final String DEFAULT_MAX_SURGE = "25%";
  public static final String DEFAULT_MAX_UNAVAILABLE = "25%";
  public static final int DEFAULT_REVISION_HISTORY_LIMIT = 10;
  public static final int DEFAULT_PROGRESS_DEADLINE_SECONDS = 600;

  private DeploymentDefaults() {}

  public static void applyDefaults(ObjectNode deployment) {
    ObjectNode spec = object(deployment, "spec");
    putIfAbsent(spec, "replicas", DEFAULT_REPLICAS);
    ObjectNode strategy = object(spec, "strategy");
    if (strategy.path("type").asText("").isEmpty()) {
      strategy.put("type", "RollingUpdate");
    }
    if (strategy.path("type").asText().equals("RollingUpdate")) {
      ObjectNode rollingUpdate = object(strategy, "rollingUpdate");
      if (isAbsent(rollingUpdate.get("maxUnavailable"))) {
        rollingUpdate.put("maxUnavailable", DEFAULT_MAX_UNAVAILABLE);
      }
      if (isAbsent(rollingUpdate.get("maxSurge"))) {
        rollingUpdate.put("maxSurge", DEFAULT_MAX_SURGE);
      }
    }
    putIfAbsent(spec, "revisionHistoryLimit", DEFAULT_REVISION_HISTORY_LIMIT);
    putIfAbsent(spec, "progressDeadlineSeconds", DEFAULT_PROGRESS_DEADLINE_SECONDS);
    PodTemplateDefaults.applyDefaults(object(spec, "template"));
  }

  /** The child object, created when absent (a Go struct field is never nil). */
  static ObjectNode object(ObjectNode parent, String field) {
    JsonNode n = parent.get(field);
    return n instanceof ObjectNode o ? o : parent.putObject(field);
  }

  static void putIfAbsent(ObjectNode node, String field, int value) {
    if (isAbsent(node.get(field))) {
      node.put(field, value);
    }
  }

  static boolean isAbsent(JsonNode value) {
    return value == null || value.isNull();
  }
}
