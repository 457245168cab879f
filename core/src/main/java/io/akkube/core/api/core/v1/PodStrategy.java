package io.akkube.core.api.core.v1;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.akkube.core.api.FieldError;
import io.akkube.core.object.ResourceStrategy;
import java.util.ArrayList;
import java.util.List;

/**
 * The pod registry strategy (pkg/registry/core/pod/strategy.go): a new pod starts Pending with its
 * QoS class; the main resource never changes status and the status subresource never changes spec;
 * a bound, running pod is deleted gracefully. Pods carry no metadata.generation in Kubernetes 1.32.
 */
public final class PodStrategy implements ResourceStrategy {

  @Override
  public void applyDefaults(ObjectNode pod) {
    PodDefaults.applyDefaults(pod);
    ObjectNode spec = Trees.object(pod, "spec");
    for (String list : List.of("containers", "initContainers")) {
      for (ObjectNode c : Trees.objects(spec, list)) {
        ObjectNode resources = Trees.object(c, "resources");
        Canonical.quantities(Trees.object(resources, "limits"));
        Canonical.quantities(Trees.object(resources, "requests"));
      }
    }
    Canonical.quantities(Trees.object(spec, "overhead"));
  }

  /**
   * Defaults and the create-time admission defaults are applied first, so the QoS class is computed
   * on the pod as Kubernetes stores it (requests filled in from limits).
   */
  @Override
  public void prepareForCreate(ObjectNode pod) {
    applyDefaults(pod);
    PodDefaults.applyAdmissionDefaults(pod);
    ObjectNode status = pod.putObject("status");
    status.put("phase", "Pending");
    status.put("qosClass", PodQos.qosClass(pod));
    if (!Trees.isEmpty(pod.path("spec").get("schedulingGates"))) {
      ArrayNode conditions = status.putArray("conditions");
      ObjectNode gated = conditions.addObject();
      gated.put("type", "PodScheduled");
      gated.put("status", "False");
      gated.put("reason", "SchedulingGated");
      gated.put("message", "Scheduling is blocked due to non-empty scheduling gates");
    }
  }

  @Override
  public void prepareForUpdate(ObjectNode newPod, ObjectNode oldPod) {
    copy(oldPod, newPod, "status");
  }

  /**
   * Only status changes: spec, owner references and a deletion timestamp come from the stored pod;
   * a status without qosClass keeps the old one (old kubelets dropped it).
   */
  @Override
  public void prepareForStatusUpdate(ObjectNode newPod, ObjectNode oldPod) {
    copy(oldPod, newPod, "spec");
    ObjectNode meta = Trees.objectOrCreate(newPod, "metadata");
    JsonNode oldMeta = oldPod.path("metadata");
    for (String field : List.of("ownerReferences", "deletionTimestamp")) {
      if (oldMeta.has(field)) {
        meta.set(field, oldMeta.get(field).deepCopy());
      } else {
        meta.remove(field);
      }
    }
    ObjectNode status = Trees.object(newPod, "status");
    String oldQos = Trees.text(oldPod.path("status"), "qosClass");
    if (status != null && Trees.text(status, "qosClass").isEmpty() && !oldQos.isEmpty()) {
      status.put("qosClass", oldQos);
    }
  }

  @Override
  public List<FieldError> validateCreate(ObjectNode pod) {
    return PodValidation.validatePodCreate(pod);
  }

  @Override
  public List<FieldError> validateUpdate(ObjectNode newPod, ObjectNode oldPod) {
    return PodValidation.validatePodUpdate(newPod, oldPod);
  }

  @Override
  public List<FieldError> validateStatusUpdate(ObjectNode newPod, ObjectNode oldPod) {
    return PodValidation.validatePodStatusUpdate(newPod, oldPod);
  }

  @Override
  public boolean tracksGeneration() {
    return false;
  }

  /**
   * spec.terminationGracePeriodSeconds for a pod bound to a node and not yet terminated (a negative
   * period counts as 1); 0 otherwise: an unscheduled or finished pod has nothing to stop.
   */
  @Override
  public long gracePeriodSeconds(ObjectNode pod, Long requested) {
    JsonNode spec = pod.path("spec");
    String phase = Trees.text(pod.path("status"), "phase");
    if (Trees.text(spec, "nodeName").isEmpty()
        || phase.equals("Succeeded")
        || phase.equals("Failed")) {
      return 0; // nothing runs it: deleted at once (pkg/registry/core/pod CheckGracefulDelete)
    }
    if (requested != null) {
      return Math.max(0, requested);
    }
    long period = spec.path("terminationGracePeriodSeconds").asLong(0);
    return period < 0 ? 1 : period;
  }

  /** pkg/api/pod/warnings.go, for what validation lets through. */
  @Override
  public List<String> warnings(ObjectNode pod) {
    List<String> warnings = new ArrayList<>();
    JsonNode grace = pod.path("spec").get("terminationGracePeriodSeconds");
    if (grace != null && grace.isNumber() && grace.asLong() < 0) {
      warnings.add(
          "spec.terminationGracePeriodSeconds: must be >= 0; negative values are invalid and will"
              + " be treated as 1");
    }
    return warnings;
  }

  static void copy(ObjectNode from, ObjectNode to, String field) {
    JsonNode v = from.get(field);
    if (v == null) {
      to.remove(field);
    } else {
      to.set(field, v.deepCopy());
    }
  }
}
