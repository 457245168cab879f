package io.akkube.core.api.core.v1;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * SetDefaults_ReplicationController: selector and object labels come from the template's labels
 * when empty, one replica; the pod template gets the pod defaults.
 */
public final class ReplicationControllerDefaults {

  private ReplicationControllerDefaults() {}

  public static void applyDefaults(ObjectNode rc) {
    ObjectNode spec = Trees.objectOrCreate(rc, "spec");
    ObjectNode template = Trees.object(spec, "template");
    JsonNode labels = template == null ? null : template.path("metadata").get("labels");
    if (labels != null && labels.isObject()) {
      if (Trees.isEmpty(spec.get("selector"))) {
        spec.set("selector", labels.deepCopy());
      }
      ObjectNode meta = Trees.objectOrCreate(rc, "metadata");
      if (Trees.isEmpty(meta.get("labels"))) {
        meta.set("labels", labels.deepCopy());
      }
    }
    Trees.putIfAbsent(spec, "replicas", 1);
    PodTemplateDefaults.applyDefaults(template);
  }
}
