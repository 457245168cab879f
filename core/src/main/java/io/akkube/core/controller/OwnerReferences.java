package io.akkube.core.controller;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.akkube.core.api.Json;
import io.akkube.core.api.ResourceType;
import java.util.Optional;

/** metadata.ownerReferences as controllers and the garbage collector read and write them. */
public final class OwnerReferences {

  private OwnerReferences() {}

  /** The ownerReference with controller=true, if any (metav1.GetControllerOf). */
  public static Optional<JsonNode> controllerOf(JsonNode object) {
    for (JsonNode ref : object.path("metadata").path("ownerReferences")) {
      if (ref.path("controller").asBoolean(false)) {
        return Optional.of(ref);
      }
    }
    return Optional.empty();
  }

  public static boolean isControlledBy(JsonNode object, String ownerUid) {
    return controllerOf(object).map(r -> ownerUid.equals(r.path("uid").asText())).orElse(false);
  }

  /** The controller reference a controller puts on the children it creates or adopts. */
  public static ObjectNode controllerRef(JsonNode owner, ResourceType ownerType) {
    ObjectNode ref = Json.MAPPER.createObjectNode();
    ref.put("apiVersion", ownerType.apiVersion());
    ref.put("kind", ownerType.kind());
    ref.put("name", Json.name(owner));
    ref.put("uid", Json.metaText(owner, "uid"));
    ref.put("controller", true);
    ref.put("blockOwnerDeletion", true);
    return ref;
  }

  /** A copy of {@code object} (resourceVersion kept, a precondition) with {@code ref} added. */
  public static ObjectNode adopted(JsonNode object, ObjectNode ref) {
    ObjectNode copy = (ObjectNode) object.deepCopy();
    Json.meta(copy).withArray("ownerReferences").add(ref);
    return copy;
  }

  /** A copy of {@code object} without the references to {@code ownerUid}. */
  public static ObjectNode without(JsonNode object, String ownerUid) {
    ObjectNode copy = (ObjectNode) object.deepCopy();
    ObjectNode meta = Json.meta(copy);
    ArrayNode kept = Json.MAPPER.createArrayNode();
    for (JsonNode ref : meta.path("ownerReferences")) {
      if (!ownerUid.equals(ref.path("uid").asText())) {
        kept.add(ref);
      }
    }
    if (kept.isEmpty()) {
      meta.remove("ownerReferences");
    } else {
      meta.set("ownerReferences", kept);
    }
    return copy;
  }

  public static boolean refersTo(JsonNode object, String ownerUid) {
    for (JsonNode ref : object.path("metadata").path("ownerReferences")) {
      if (ownerUid.equals(ref.path("uid").asText())) {
        return true;
      }
    }
    return false;
  }
}
