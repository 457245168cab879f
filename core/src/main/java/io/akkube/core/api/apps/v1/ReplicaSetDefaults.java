package io.akkube.core.api.apps.v1;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.akkube.core.api.core.v1.PodTemplateDefaults;

/** SetDefaults_ReplicaSet of apps/v1: one replica; the pod template gets the pod defaults. */
public final class ReplicaSetDefaults {

  private ReplicaSetDefaults() {}

  public static void applyDefaults(ObjectNode replicaSet) {
    ObjectNode spec = DeploymentDefaults.object(replicaSet, "spec");
    DeploymentDefaults.putIfAbsent(spec, "replicas", 1);
    PodTemplateDefaults.applyDefaults(DeploymentDefaults.object(spec, "template"));
  }
}
