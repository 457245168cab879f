package io.akkube.core.api.core.v1;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;

/**
 * The defaults of a pod template (spec.template of workloads): the pod defaults of
 * SetDefaults_PodSpec and friends, and canonical quantities, but none of the admission defaults a
 * pod gets when it is created (service account, tolerations, priority).
 */
public final class PodTemplateDefaults {

  private PodTemplateDefaults() {}

  /** Defaults {@code template.spec} in place; does nothing when the template is absent. */
  public static void applyDefaults(ObjectNode template) {
    if (template == null) {
      return;
    }
    PodDefaults.applyDefaults(template);
    ObjectNode spec = Trees.object(template, "spec");
    for (String list : List.of("containers", "initContainers")) {
      for (ObjectNode c : Trees.objects(spec, list)) {
        ObjectNode resources = Trees.object(c, "resources");
        Canonical.quantities(Trees.object(resources, "limits"));
        Canonical.quantities(Trees.object(resources, "requests"));
      }
    }
    Canonical.quantities(Trees.object(spec, "overhead"));
  }
}
