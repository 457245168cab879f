package io.akkube.core.object;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.akkube.core.api.Json;
import io.akkube.core.selection.LabelSelector;

/**
 * The {@code scale} subresource: an autoscaling/v1 Scale view of a workload (spec.replicas,
 * status.replicas, status.selector) and writing spec.replicas back from one.
 */
public final class ScaleSubresource {

  private ScaleSubresource() {}

  /** The Scale of a Deployment, ReplicaSet or ReplicationController. */
  public static ObjectNode view(ObjectNode owner) {
    ObjectNode scale = Json.MAPPER.createObjectNode();
    scale.put("kind", "Scale");
    scale.put("apiVersion", "autoscaling/v1");
    ObjectNode meta = scale.putObject("metadata");
    JsonNode ownerMeta = owner.path("metadata");
    for (String field :
        new String[] {"name", "namespace", "uid", "resourceVersion", "creationTimestamp"}) {
      if (ownerMeta.has(field)) {
        meta.set(field, ownerMeta.get(field));
      }
    }
    scale.putObject("spec").put("replicas", owner.path("spec").path("replicas").asInt(0));
    ObjectNode status = scale.putObject("status");
    status.put("replicas", owner.path("status").path("replicas").asInt(0));
    String selector = selectorString(owner.path("spec").path("selector"));
    if (!selector.isEmpty()) {
      status.put("selector", selector);
    }
    return scale;
  }

  /** The owner with spec.replicas taken from a Scale (other fields of the Scale are ignored). */
  public static ObjectNode apply(ObjectNode owner, ObjectNode scale) {
    ObjectNode updated = owner.deepCopy();
    JsonNode replicas = scale.path("spec").get("replicas");
    ObjectNode spec = updated.with("spec");
    if (replicas == null || replicas.isNull()) {
      spec.remove("replicas");
    } else {
      spec.set("replicas", replicas.deepCopy());
    }
    String rv = Json.metaText(scale, "resourceVersion");
    if (rv.isEmpty()) {
      Json.meta(updated).remove("resourceVersion");
    } else {
      Json.meta(updated).put("resourceVersion", rv);
    }
    return updated;
  }

  /** metav1.LabelSelector (or a ReplicationController's plain map) as a selector string. */
  private static String selectorString(JsonNode selector) {
    if (selector.isMissingNode() || selector.isNull()) {
      return "";
    }
    if (selector.has("matchLabels") || selector.has("matchExpressions")) {
      return LabelSelector.fromJson(selector).toString();
    }
    StringBuilder sb = new StringBuilder();
    selector
        .fields()
        .forEachRemaining(
            e ->
                sb.append(sb.length() == 0 ? "" : ",")
                    .append(e.getKey())
                    .append('=')
                    .append(e.getValue().asText()));
    return sb.toString();
  }
}
