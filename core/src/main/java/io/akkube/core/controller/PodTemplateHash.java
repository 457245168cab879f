package io.akkube.core.controller;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.akkube.core.api.Json;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;

/**
 * The {@code pod-template-hash} of a Deployment's template, as Kubernetes' ComputeHash builds it:
 * FNV-1a (32 bit) over the template, then over the collision count (8 bytes, the count as a
 * little-endian uint32 first), the decimal value rendered with SafeEncodeString. Kubernetes feeds
 * FNV the template printed by go-spew; we feed it the template's canonical JSON (keys sorted,
 * absent-equivalent values dropped), so the value is stable for a template but differs from a real
 * cluster's (docs/decisions/0007-pod-template-hash.md).
 */
public final class PodTemplateHash {

  public static final String LABEL = "pod-template-hash";

  private static final int FNV32_OFFSET = 0x811c9dc5;
  private static final int FNV32_PRIME = 0x01000193;

  private PodTemplateHash() {}

  public static String compute(JsonNode template, Integer collisionCount) {
    int hash = FNV32_OFFSET;
    hash = fnv1a(hash, canonicalJson(template).getBytes(StandardCharsets.UTF_8));
    if (collisionCount != null) {
      byte[] bytes = new byte[8];
      int c = collisionCount;
      bytes[0] = (byte) c;
      bytes[1] = (byte) (c >>> 8);
      bytes[2] = (byte) (c >>> 16);
      bytes[3] = (byte) (c >>> 24);
      hash = fnv1a(hash, bytes);
    }
    return safeEncodeString(Integer.toUnsignedString(hash));
  }

  static int fnv1a(int hash, byte[] data) {
    int h = hash;
    for (byte b : data) {
      h ^= (b & 0xff);
      h *= FNV32_PRIME;
    }
    return h;
  }

  /** Kubernetes' rand.SafeEncodeString: each byte mapped onto the vowel-free alphabet. */
  public static String safeEncodeString(String s) {
    String alphabet = ReplicaSetSync.NAME_ALPHABET;
    StringBuilder out = new StringBuilder(s.length());
    for (byte b : s.getBytes(StandardCharsets.UTF_8)) {
      out.append(alphabet.charAt((b & 0xff) % alphabet.length()));
    }
    return out.toString();
  }

  /**
   * Whether two templates are equal but for the pod-template-hash label (EqualIgnoreHash), absent,
   * null and empty values counting as equal as Go's semantic equality has it.
   */
  public static boolean equalIgnoringHash(JsonNode a, JsonNode b) {
    return canonical(withoutHash(a)).equals(canonical(withoutHash(b)));
  }

  private static JsonNode withoutHash(JsonNode template) {
    if (!(template instanceof ObjectNode o)) {
      return Json.MAPPER.createObjectNode();
    }
    ObjectNode copy = o.deepCopy();
    JsonNode labels = copy.path("metadata").get("labels");
    if (labels instanceof ObjectNode l) {
      l.remove(LABEL);
    }
    return copy;
  }

  static String canonicalJson(JsonNode node) {
    StringBuilder sb = new StringBuilder();
    write(canonical(node), sb);
    return sb.toString();
  }

  /** A copy without nulls, empty objects and empty arrays (Go's omitempty view of a value). */
  static JsonNode canonical(JsonNode node) {
    if (node == null || node.isNull() || node.isMissingNode()) {
      return Json.MAPPER.nullNode();
    }
    if (node.isObject()) {
      ObjectNode out = Json.MAPPER.createObjectNode();
      List<String> names = new ArrayList<>();
      node.fieldNames().forEachRemaining(names::add);
      names.sort(null);
      for (String name : names) {
        JsonNode v = canonical(node.get(name));
        if (!isEmpty(v)) {
          out.set(name, v);
        }
      }
      return out;
    }
    if (node.isArray()) {
      ArrayNode out = Json.MAPPER.createArrayNode();
      for (JsonNode item : node) {
        out.add(canonical(item));
      }
      return out;
    }
    return node;
  }

  private static boolean isEmpty(JsonNode v) {
    return v.isNull() || (v.isContainerNode() && v.size() == 0);
  }

  private static void write(JsonNode node, StringBuilder sb) {
    if (node.isObject()) {
      sb.append('{');
      boolean first = true;
      for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext(); ) {
        Map.Entry<String, JsonNode> e = it.next();
        if (!first) {
          sb.append(',');
        }
        first = false;
        sb.append(Json.string(Json.MAPPER.getNodeFactory().textNode(e.getKey()))).append(':');
        write(e.getValue(), sb);
      }
      sb.append('}');
    } else if (node.isArray()) {
      sb.append('[');
      for (int i = 0; i < node.size(); i++) {
        if (i > 0) {
          sb.append(',');
        }
        write(node.get(i), sb);
      }
      sb.append(']');
    } else {
      sb.append(Json.string(node));
    }
  }
}
