package io.akkube.http.openapi;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.akkube.core.api.ApiStatus;
import io.akkube.core.api.ResourceType;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;

/**
 * Fields of a request body that the kind's schema does not know, for {@code fieldValidation}:
 * Strict fails the request ({@link #strictError}), Warn drops them and warns per field ({@link
 * #prune}, {@link #warning}), Ignore drops them silently. Paths are written as Kubernetes' strict
 * decoder writes them: {@code spec.containers[0].imagee}. Maps (additionalProperties) accept any
 * key; int-or-string, quantities and free-form objects accept any value. A kind without a schema
 * has no unknown fields.
 */
public final class UnknownFields {

  /** An object without its unknown fields, and the paths that were removed. */
  public record Pruned(ObjectNode object, List<String> removed) {
    public Pruned {
      removed = List.copyOf(removed);
    }
  }

  private UnknownFields() {}

  /** The unknown field paths of {@code object}, in document order. */
  public static List<String> find(ResourceType type, JsonNode object) {
    List<String> out = new ArrayList<>();
    OpenApi.definitionOf(type)
        .ifPresent(def -> walk(ref(def), object, "", out, false, OpenApi.definitions()));
    return out;
  }

  /** A copy of {@code object} without its unknown fields; the argument is left untouched. */
  public static Pruned prune(ResourceType type, ObjectNode object) {
    ObjectNode copy = object.deepCopy();
    List<String> out = new ArrayList<>();
    OpenApi.definitionOf(type)
        .ifPresent(def -> walk(ref(def), copy, "", out, true, OpenApi.definitions()));
    return new Pruned(copy, out);
  }

  /** The Warning text Kubernetes sends for one dropped field (fieldValidation=Warn). */
  public static String warning(String path) {
    return "unknown field \"" + path + "\"";
  }

  /** The 400 answer of fieldValidation=Strict, worded as the kube-apiserver words it. */
  public static ApiStatus strictError(ResourceType type, List<String> paths) {
    StringBuilder msg =
        new StringBuilder(type.kind())
            .append(" in version \"")
            .append(type.version())
            .append("\" cannot be handled as a ")
            .append(type.kind())
            .append(": strict decoding error: ");
    for (int i = 0; i < paths.size(); i++) {
      msg.append(i == 0 ? "" : ", ").append(warning(paths.get(i)));
    }
    return ApiStatus.badRequest(msg.toString());
  }

  private static ObjectNode ref(String definition) {
    ObjectNode n = io.akkube.core.api.Json.MAPPER.createObjectNode();
    n.put("$ref", ModelSchemas.ref(definition));
    return n;
  }

  private static void walk(
      JsonNode schema,
      JsonNode value,
      String path,
      List<String> out,
      boolean remove,
      Map<String, ObjectNode> definitions) {
    if (value == null || value.isNull() || schema == null) {
      return;
    }
    JsonNode ref = schema.get("$ref");
    if (ref != null) {
      schema = definitions.get(ref.asText().substring("#/definitions/".length()));
      if (schema == null) {
        return;
      }
    }
    if (value.isArray()) {
      JsonNode items = schema.get("items");
      for (int i = 0; items != null && i < value.size(); i++) {
        walk(items, value.get(i), path + "[" + i + "]", out, remove, definitions);
      }
      return;
    }
    if (!value.isObject()) {
      return;
    }
    JsonNode properties = schema.get("properties");
    JsonNode additional = schema.get("additionalProperties");
    if (properties == null) {
      // A map, or a free-form object (x-kubernetes-preserve-unknown-fields): any key is fine.
      if (additional != null && additional.isObject()) {
        Iterator<Map.Entry<String, JsonNode>> it = value.fields();
        while (it.hasNext()) {
          Map.Entry<String, JsonNode> e = it.next();
          walk(additional, e.getValue(), join(path, e.getKey()), out, remove, definitions);
        }
      }
      return;
    }
    Iterator<Map.Entry<String, JsonNode>> it = value.fields();
    while (it.hasNext()) {
      Map.Entry<String, JsonNode> e = it.next();
      JsonNode property = properties.get(e.getKey());
      String fieldPath = join(path, e.getKey());
      if (property == null && e.getKey().startsWith("$")) {
        continue; // a strategic-merge-patch directive ($patch, $retainKeys, $setElementOrder/…)
      }
      if (property == null) {
        out.add(fieldPath);
        if (remove) {
          it.remove();
        }
      } else {
        walk(property, e.getValue(), fieldPath, out, remove, definitions);
      }
    }
  }

  private static String join(String path, String field) {
    return path.isEmpty() ? field : path + "." + field;
  }
}
