package io.akkube.core.api;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The one JSON/YAML mapper setup, and small accessors for the generic object tree. Objects are kept
 * as Jackson trees (see docs/decisions/0001-objects-as-json-trees.md): never mutate a tree that was
 * persisted or published; copy it first.
 */
public final class Json {

  public static final ObjectMapper MAPPER =
      new ObjectMapper().configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, false);

  public static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());

  private Json() {}

  public static ObjectNode parseObject(byte[] bytes) {
    try {
      JsonNode n = MAPPER.readTree(bytes);
      if (n == null || !n.isObject()) {
        throw ApiStatus.badRequest("the request body must be a JSON object").exception();
      }
      return (ObjectNode) n;
    } catch (IOException e) {
      throw ApiStatus.badRequest("error decoding request body: " + e.getMessage()).exception();
    }
  }

  public static byte[] bytes(JsonNode node) {
    try {
      return MAPPER.writeValueAsBytes(node);
    } catch (JsonProcessingException e) {
      throw new UncheckedIOException(e);
    }
  }

  public static String string(JsonNode node) {
    try {
      return MAPPER.writeValueAsString(node);
    } catch (JsonProcessingException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** {@code obj.metadata}, created if absent. */
  public static ObjectNode meta(ObjectNode obj) {
    return obj.with("metadata");
  }

  public static String text(JsonNode node, String field) {
    JsonNode v = node == null ? null : node.get(field);
    return v == null || v.isNull() ? "" : v.asText();
  }

  /** {@code metadata.<field>} as text, "" if absent. */
  public static String metaText(JsonNode obj, String field) {
    return text(obj.get("metadata"), field);
  }

  public static String name(JsonNode obj) {
    return metaText(obj, "name");
  }

  public static String namespace(JsonNode obj) {
    return metaText(obj, "namespace");
  }

  /** {@code metadata.labels} as a map (empty if absent). */
  public static Map<String, String> labels(JsonNode obj) {
    Map<String, String> out = new LinkedHashMap<>();
    JsonNode meta = obj.get("metadata");
    JsonNode labels = meta == null ? null : meta.get("labels");
    if (labels != null && labels.isObject()) {
      labels.fields().forEachRemaining(e -> out.put(e.getKey(), e.getValue().asText()));
    }
    return out;
  }

  /** Follows a dotted path ({@code spec.nodeName}); returns a missing node when absent. */
  public static JsonNode at(JsonNode obj, String dottedPath) {
    JsonNode cur = obj;
    for (String part : dottedPath.split("\\.")) {
      if (cur == null) {
        break;
      }
      cur = cur.get(part);
    }
    return cur == null ? com.fasterxml.jackson.databind.node.MissingNode.getInstance() : cur;
  }
}
