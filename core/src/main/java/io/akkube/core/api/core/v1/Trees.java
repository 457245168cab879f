package io.akkube.core.api.core.v1;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;

/** Small reads and writes on the generic object trees, shared by the core/v1 kinds. */
final class Trees {

  private Trees() {}

  /** The child object, or null when absent or not an object. */
  static ObjectNode object(JsonNode parent, String field) {
    JsonNode n = parent == null ? null : parent.get(field);
    return n instanceof ObjectNode o ? o : null;
  }

  /** The child object, created (replacing a non-object) when absent. */
  static ObjectNode objectOrCreate(ObjectNode parent, String field) {
    JsonNode n = parent.get(field);
    if (n instanceof ObjectNode o) {
      return o;
    }
    return parent.putObject(field);
  }

  /** The elements of a child array that are objects; empty when absent. */
  static List<ObjectNode> objects(JsonNode parent, String field) {
    List<ObjectNode> out = new ArrayList<>();
    JsonNode n = parent == null ? null : parent.get(field);
    if (n instanceof ArrayNode a) {
      for (JsonNode e : a) {
        if (e instanceof ObjectNode o) {
          out.add(o);
        }
      }
    }
    return out;
  }

  /** A child's text, "" when absent or null. */
  static String text(JsonNode parent, String field) {
    JsonNode v = parent == null ? null : parent.get(field);
    return v == null || v.isNull() || v.isContainerNode() ? "" : v.asText();
  }

  static boolean has(JsonNode parent, String field) {
    JsonNode v = parent == null ? null : parent.get(field);
    return v != null && !v.isNull();
  }

  static boolean isEmpty(JsonNode node) {
    return node == null || node.isNull() || node.isMissingNode() || node.isEmpty();
  }

  /** The entries of a child map; empty when absent. */
  static List<Map.Entry<String, JsonNode>> entries(JsonNode parent, String field) {
    List<Map.Entry<String, JsonNode>> out = new ArrayList<>();
    JsonNode n = parent == null ? null : parent.get(field);
    if (n instanceof ObjectNode o) {
      for (Iterator<Map.Entry<String, JsonNode>> it = o.fields(); it.hasNext(); ) {
        out.add(it.next());
      }
    }
    return out;
  }

  static void putIfAbsent(ObjectNode node, String field, String value) {
    if (!has(node, field) || node.get(field).asText().isEmpty()) {
      node.put(field, value);
    }
  }

  static void putIfAbsent(ObjectNode node, String field, long value) {
    if (!has(node, field)) {
      putNumber(node, field, value);
    }
  }

  /** Sets a numeric field when absent or zero, as Go defaulting of int32 fields does. */
  static void putIfZero(ObjectNode node, String field, long value) {
    if (!has(node, field) || node.get(field).asLong() == 0) {
      putNumber(node, field, value);
    }
  }

  /**
   * Puts a number as the parser would read it back (an int when it fits), so a defaulted tree
   * equals the same tree after a round trip through JSON.
   */
  static void putNumber(ObjectNode node, String field, long value) {
    if (value >= Integer.MIN_VALUE && value <= Integer.MAX_VALUE) {
      node.put(field, (int) value);
    } else {
      node.put(field, value);
    }
  }

  /** Deep equality in which numbers compare by value (30 equals 30L equals 30.0). */
  static boolean semanticEquals(JsonNode a, JsonNode b) {
    if (a == null || b == null) {
      return a == b;
    }
    return a.equals(Trees::compareValues, b);
  }

  private static int compareValues(JsonNode a, JsonNode b) {
    if (a.isNumber() && b.isNumber()) {
      return a.decimalValue().compareTo(b.decimalValue()) == 0 ? 0 : 1;
    }
    return a.equals(b) ? 0 : 1;
  }

  static JsonNodeFactory nodes() {
    return JsonNodeFactory.instance;
  }
}
