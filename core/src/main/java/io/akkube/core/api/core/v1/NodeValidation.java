package io.akkube.core.api.core.v1;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.akkube.core.api.FieldError;
import io.akkube.core.quantity.Quantity;
import io.akkube.core.validation.MetadataValidation;
import io.akkube.core.validation.NameValidation;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** ValidateNode / ValidateNodeUpdate without the metadata part. */
public final class NodeValidation {

  private static final List<String> TAINT_EFFECTS =
      List.of("NoSchedule", "PreferNoSchedule", "NoExecute");

  private NodeValidation() {}

  public static List<FieldError> validateNode(ObjectNode node) {
    List<FieldError> errs = new ArrayList<>();
    errs.addAll(validateTaints(node));
    errs.addAll(validateResources(node));
    return errs;
  }

  public static List<FieldError> validateNodeUpdate(ObjectNode node, ObjectNode oldNode) {
    List<FieldError> errs = new ArrayList<>(validateResources(node));
    Set<JsonNode> addresses = new HashSet<>();
    int i = 0;
    for (JsonNode address : node.path("status").path("addresses")) {
      if (!addresses.add(address)) {
        errs.add(FieldError.duplicate("status.addresses[" + i + "]", address.toString()));
      }
      i++;
    }
    JsonNode oldCidrs = oldNode.path("spec").path("podCIDRs");
    JsonNode cidrs = node.path("spec").path("podCIDRs");
    if (oldCidrs.size() > 0) {
      if (oldCidrs.size() != cidrs.size()) {
        errs.add(
            FieldError.forbidden(
                "spec.podCIDRs", "node updates may not change podCIDR except from \"\" to valid"));
      } else {
        for (int idx = 0; idx < cidrs.size(); idx++) {
          if (!oldCidrs.get(idx).equals(cidrs.get(idx))) {
            errs.add(
                FieldError.forbidden(
                    "spec.podCIDRs",
                    "node updates may not change podCIDR except from \"\" to valid"));
          }
        }
      }
    }
    String oldProvider = Trees.text(oldNode.path("spec"), "providerID");
    if (!oldProvider.isEmpty()
        && !oldProvider.equals(Trees.text(node.path("spec"), "providerID"))) {
      errs.add(
          FieldError.forbidden(
              "spec.providerID",
              "node updates may not change providerID except from \"\" to valid"));
    }
    errs.addAll(validateTaints(node));
    return errs;
  }

  /** Taints: qualified keys, label values, a supported effect, unique by key and effect. */
  private static List<FieldError> validateTaints(ObjectNode node) {
    List<FieldError> errs = new ArrayList<>();
    // Kubernetes reports node taints under metadata.taints.
    String path = "metadata.taints";
    Set<String> seen = new HashSet<>();
    int i = 0;
    for (JsonNode taint : node.path("spec").path("taints")) {
      String idx = path + "[" + i++ + "]";
      String key = Trees.text(taint, "key");
      for (String msg : NameValidation.isQualifiedName(key)) {
        errs.add(FieldError.invalid(idx + ".key", key, msg));
      }
      String value = Trees.text(taint, "value");
      List<String> msgs = NameValidation.isValidLabelValue(value);
      if (!msgs.isEmpty()) {
        errs.add(FieldError.invalid(idx + ".value", value, String.join(";", msgs)));
      }
      String effect = Trees.text(taint, "effect");
      if (effect.isEmpty()) {
        errs.add(FieldError.required(idx + ".effect", ""));
      } else if (!TAINT_EFFECTS.contains(effect)) {
        errs.add(FieldError.notSupported(idx + ".effect", effect, TAINT_EFFECTS));
      }
      if (!seen.add(effect + "\u0000" + key)) {
        errs.add(
            new FieldError(
                FieldError.Type.DUPLICATE,
                idx,
                taint.toString(),
                "taints must be unique by key and effect pair"));
      }
    }
    return errs;
  }

  private static List<FieldError> validateResources(ObjectNode node) {
    List<FieldError> errs = new ArrayList<>();
    for (String list : List.of("capacity", "allocatable")) {
      for (Map.Entry<String, JsonNode> e : Trees.entries(node.path("status"), list)) {
        String path = "status." + list + "[" + e.getKey() + "]";
        for (String msg : NameValidation.isQualifiedName(e.getKey())) {
          errs.add(FieldError.invalid(path, e.getKey(), msg));
        }
        Quantity q = PodValidation.quantity(e.getValue(), path, errs);
        if (q != null && q.signum() < 0) {
          errs.add(FieldError.invalid(path, q.toString(), MetadataValidation.IS_NEGATIVE));
        }
      }
    }
    return errs;
  }
}
