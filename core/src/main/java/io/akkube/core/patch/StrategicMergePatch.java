package io.akkube.core.patch;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.akkube.core.api.ApiStatus;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;

/**
 * Kubernetes strategic merge patch (k8s.io/apimachinery/pkg/util/strategicpatch) on JSON trees.
 * Maps merge key by key and {@code null} deletes; lists named in {@link MergeKeys} merge item by
 * item (by merge key, or as a set of primitives) and every other list is replaced. The directives
 * {@code $patch} (replace/delete), {@code $retainKeys}, {@code $deleteFromPrimitiveList/<list>} and
 * {@code $setElementOrder/<list>} are honoured and never left in the result; the resulting list
 * order follows Kubernetes ($setElementOrder, then patch order, then the live order).
 */
public final class StrategicMergePatch {

  static final String DIRECTIVE = "$patch";
  static final String RETAIN_KEYS = "$retainKeys";
  static final String DELETE_FROM_PRIMITIVE_LIST = "$deleteFromPrimitiveList";
  static final String SET_ELEMENT_ORDER = "$setElementOrder";

  private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

  private final MergeKeys mergeKeys;

  private StrategicMergePatch(MergeKeys mergeKeys) {
    this.mergeKeys = mergeKeys;
  }

  /**
   * Applies {@code patch} to {@code original}; neither argument is modified.
   *
   * @throws io.akkube.core.api.ApiException with the status Kubernetes answers for a malformed
   *     patch: 400 for bad directive formats, 422 for lists of lists, 500 otherwise
   */
  public static ObjectNode apply(ObjectNode original, ObjectNode patch, MergeKeys mergeKeys) {
    return new StrategicMergePatch(mergeKeys).mergeMap(original.deepCopy(), patch.deepCopy(), "");
  }

  // Both arguments of the methods below are private copies that may be changed in place.

  private ObjectNode mergeMap(ObjectNode original, ObjectNode patch, String path) {
    JsonNode directive = patch.get(DIRECTIVE);
    if (directive != null) {
      switch (directive.asText()) {
        case "replace" -> {
          patch.remove(DIRECTIVE);
          return mergeMap(NODES.objectNode(), patch, path);
        }
        case "delete" -> {
          return NODES.objectNode();
        }
        default ->
            throw Patches.failed(
                "unknown patch type: " + goValue(directive) + " in map: " + goValue(patch));
      }
    }
    applyRetainKeys(original, patch);
    applySetElementOrder(original, patch, path);
    for (String key : fieldNames(patch)) {
      JsonNode value = patch.get(key);
      if (key.startsWith(DELETE_FROM_PRIMITIVE_LIST)) {
        deleteFromPrimitiveList(original, key, value);
        continue;
      }
      if (value.isNull()) {
        original.remove(key);
        continue;
      }
      JsonNode merged = mergeValue(original.get(key), value, child(path, key));
      if (merged == null) {
        original.remove(key);
      } else {
        original.set(key, merged);
      }
    }
    return original;
  }

  /** The merged value of one field, or null when the patch deletes it. */
  private JsonNode mergeValue(JsonNode original, JsonNode patch, String path) {
    if (patch.isObject()) {
      ObjectNode p = (ObjectNode) patch;
      if (p.path(DIRECTIVE).asText().equals("delete")) {
        return null;
      }
      ObjectNode o = original != null && original.isObject() ? (ObjectNode) original : null;
      return mergeMap(o == null ? NODES.objectNode() : o, p, path);
    }
    if (patch.isArray()) {
      ArrayNode o = original != null && original.isArray() ? (ArrayNode) original : null;
      return o == null ? withoutDirectives((ArrayNode) patch, path) : mergeList(o, patch, path);
    }
    return patch;
  }

  private ArrayNode mergeList(ArrayNode original, JsonNode patchNode, String path) {
    ArrayNode patch = (ArrayNode) patchNode;
    Optional<String> mergeKey = mergeKeys.mergeKey(path);
    if (mergeKey.isEmpty()) {
      return withoutDirectives(patch, path);
    }
    if (original.isEmpty() && patch.isEmpty()) {
      return original;
    }
    boolean maps = elementsAreMaps(original, patch);
    if (!maps) {
      return mergePrimitives(original, patch);
    }
    if (mergeKey.get().isEmpty()) {
      throw Patches.failed("cannot merge lists without merge key for " + lastName(path));
    }
    return mergeMaps(original, patch, mergeKey.get(), path);
  }

  private static ArrayNode mergePrimitives(ArrayNode original, ArrayNode patch) {
    List<JsonNode> merged = new ArrayList<>();
    for (JsonNode v : original) {
      addIfAbsent(merged, v);
    }
    for (JsonNode v : patch) {
      addIfAbsent(merged, v);
    }
    List<JsonNode> patchOrder = elements(patch);
    return ordered(merged, patchOrder, elements(original), "");
  }

  private ArrayNode mergeMaps(ArrayNode originalNode, ArrayNode patch, String key, String path) {
    List<JsonNode> original = elements(originalNode);
    List<JsonNode> plain = new ArrayList<>();
    boolean replace = false;
    for (JsonNode item : patch) {
      JsonNode directive = item.get(DIRECTIVE);
      if (directive == null) {
        plain.add(item);
        continue;
      }
      switch (directive.asText()) {
        case "delete" -> {
          JsonNode value = item.get(key);
          if (value == null) {
            throw noMergeKey(item, key);
          }
          original.removeIf(o -> same(o.get(key), value));
        }
        case "replace" -> replace = true;
        case "merge" -> throw Patches.failed("merging lists cannot yet be specified in the patch");
        default ->
            throw Patches.failed(
                "unknown patch type: " + goValue(directive) + " in map: " + goValue(item));
      }
    }
    if (replace) {
      ArrayNode result = NODES.arrayNode();
      plain.forEach(item -> result.add(mergeMap(NODES.objectNode(), (ObjectNode) item, path)));
      return result;
    }
    List<JsonNode> liveOrder = List.copyOf(original);
    for (JsonNode item : plain) {
      JsonNode value = item.get(key);
      if (value == null) {
        throw noMergeKey(item, key);
      }
      int at = indexOf(original, item, key);
      if (at >= 0) {
        original.set(at, mergeMap((ObjectNode) original.get(at), (ObjectNode) item, path));
      } else {
        original.add(mergeMap(NODES.objectNode(), (ObjectNode) item, path));
      }
    }
    for (JsonNode item : original) {
      if (item.get(key) == null) {
        throw noMergeKey(item, key);
      }
    }
    return ordered(original, plain, liveOrder, key);
  }

  /**
   * Orders a merged list as Kubernetes' normalizeElementOrder does: the items named by {@code
   * patchOrder} in that order, the others in their live order, interleaved where the live order
   * relates them.
   */
  private static ArrayNode ordered(
      List<JsonNode> merged, List<JsonNode> patchOrder, List<JsonNode> liveOrder, String key) {
    List<JsonNode> patchItems = new ArrayList<>();
    List<JsonNode> serverOnly = new ArrayList<>();
    for (JsonNode item : merged) {
      (indexOf(patchOrder, item, key) >= 0 ? patchItems : serverOnly).add(item);
    }
    sortBy(patchItems, patchOrder, key);
    sortBy(serverOnly, liveOrder, key);
    ArrayNode result = NODES.arrayNode();
    int i = 0;
    int j = 0;
    while (i < serverOnly.size() || j < patchItems.size()) {
      if (j >= patchItems.size()) {
        result.add(serverOnly.get(i++));
      } else if (i >= serverOnly.size()) {
        result.add(patchItems.get(j++));
      } else {
        int left = indexOf(liveOrder, serverOnly.get(i), key);
        int right = indexOf(liveOrder, patchItems.get(j), key);
        if (left >= 0 && right >= 0 && left < right) {
          result.add(serverOnly.get(i++));
        } else {
          result.add(patchItems.get(j++));
        }
      }
    }
    return result;
  }

  private static void sortBy(List<JsonNode> items, List<JsonNode> order, String key) {
    items.sort(
        Comparator.comparingInt(
            item -> {
              int at = indexOf(order, item, key);
              return at < 0 ? Integer.MAX_VALUE : at;
            }));
  }

  /** {@code $setElementOrder/<list>}: merges that list now and orders it as the directive says. */
  private void applySetElementOrder(ObjectNode original, ObjectNode patch, String path) {
    for (String directive : fieldNames(patch)) {
      if (!directive.startsWith(SET_ELEMENT_ORDER)) {
        continue;
      }
      JsonNode order = patch.remove(directive);
      String field = listName(directive, SET_ELEMENT_ORDER, "setElementOrder list");
      if (!order.isArray()) {
        throw ApiStatus.badRequest("invalid patch format of setElementOrder list").exception();
      }
      String listPath = child(path, field);
      JsonNode live = original.get(field);
      JsonNode patched = patch.get(field);
      boolean hasLive = live != null && live.isArray();
      boolean hasPatch = patched != null && patched.isArray();
      ArrayNode merged;
      if (hasLive && hasPatch) {
        merged = mergeList((ArrayNode) live, patched, listPath);
      } else if (hasLive) {
        merged = (ArrayNode) live;
      } else if (hasPatch) {
        merged = withoutDirectives((ArrayNode) patched, listPath);
      } else {
        continue;
      }
      String key = mergeKeys.mergeKey(listPath).orElse(MergeKeys.PRIMITIVES);
      List<JsonNode> liveOrder = hasLive ? elements((ArrayNode) live) : List.of();
      original.set(field, ordered(elements(merged), elements((ArrayNode) order), liveOrder, key));
      if (hasPatch) {
        patch.remove(field);
      }
    }
  }

  /** {@code $retainKeys}: clears the fields of the live map that the list does not name. */
  private static void applyRetainKeys(ObjectNode original, ObjectNode patch) {
    JsonNode retain = patch.remove(RETAIN_KEYS);
    if (retain == null) {
      return;
    }
    if (!retain.isArray()) {
      throw ApiStatus.badRequest("invalid patch format of retainKeys").exception();
    }
    Set<String> keep = new HashSet<>();
    retain.forEach(k -> keep.add(k.isTextual() ? k.asText() : goValue(k)));
    for (Iterator<String> it = patch.fieldNames(); it.hasNext(); ) {
      String k = it.next();
      boolean exempt =
          patch.get(k).isNull()
              || k.startsWith(DELETE_FROM_PRIMITIVE_LIST)
              || k.startsWith(SET_ELEMENT_ORDER);
      if (!exempt && !keep.contains(k)) {
        throw ApiStatus.badRequest("invalid patch format of retainKeys").exception();
      }
    }
    for (String k : fieldNames(original)) {
      if (!keep.contains(k)) {
        original.remove(k);
      }
    }
  }

  /** {@code $deleteFromPrimitiveList/<list>}: removes the given values from that list. */
  private static void deleteFromPrimitiveList(ObjectNode original, String directive, JsonNode v) {
    String field = listName(directive, DELETE_FROM_PRIMITIVE_LIST, "primitive list");
    if (v.isNull()) {
      original.remove(field);
      return;
    }
    JsonNode live = original.get(field);
    if (live == null || !live.isArray() || !v.isArray()) {
      return;
    }
    List<JsonNode> remove = elements((ArrayNode) v);
    ArrayNode kept = NODES.arrayNode();
    for (JsonNode item : live) {
      if (indexOf(remove, item, "") < 0) {
        kept.add(item);
      }
    }
    original.set(field, kept);
  }

  private static String listName(String directive, String prefix, String what) {
    int slash = directive.indexOf('/');
    if (slash < 0 || !directive.substring(0, slash).equals(prefix)) {
      throw ApiStatus.badRequest("invalid patch format of " + what).exception();
    }
    return directive.substring(slash + 1);
  }

  /**
   * A list taken as the patch has it (replaced, or new): items carrying {@code $patch} are dropped,
   * and nested maps lose their directives and null fields.
   */
  private ArrayNode withoutDirectives(ArrayNode patch, String path) {
    ArrayNode result = NODES.arrayNode();
    for (JsonNode item : patch) {
      if (item.isObject()) {
        if (!item.has(DIRECTIVE)) {
          result.add(mergeMap(NODES.objectNode(), (ObjectNode) item, path));
        }
      } else {
        result.add(item);
      }
    }
    return result;
  }

  private static boolean elementsAreMaps(ArrayNode original, ArrayNode patch) {
    JsonNode first = null;
    for (ArrayNode list : List.of(original, patch)) {
      for (JsonNode item : list) {
        if (item.isArray()) {
          throw Patches.invalid("lists of lists are not supported");
        }
        if (first == null) {
          first = item;
        } else if (first.getNodeType() != item.getNodeType()) {
          throw Patches.failed(
              "list element types are not identical: ["
                  + goValue(original)
                  + " "
                  + goValue(patch)
                  + "]");
        }
      }
    }
    return first != null && first.isObject();
  }

  private static RuntimeException noMergeKey(JsonNode item, String key) {
    return Patches.failed("map: " + goValue(item) + " does not contain declared merge key: " + key);
  }

  private static void addIfAbsent(List<JsonNode> list, JsonNode v) {
    if (indexOf(list, v, "") < 0) {
      list.add(v);
    }
  }

  /** Where {@code item} is in {@code list}, compared by merge key, or whole when the key is "". */
  private static int indexOf(List<JsonNode> list, JsonNode item, String key) {
    JsonNode wanted = key.isEmpty() ? item : item.get(key);
    for (int i = 0; i < list.size(); i++) {
      if (same(wanted, key.isEmpty() ? list.get(i) : list.get(i).get(key))) {
        return i;
      }
    }
    return -1;
  }

  /** Equality as Go compares decoded JSON: all numbers are float64, so 80 equals 80.0. */
  private static boolean same(JsonNode a, JsonNode b) {
    if (a == null || b == null) {
      return a == b;
    }
    if (a.isNumber() && b.isNumber()) {
      return a.decimalValue().compareTo(b.decimalValue()) == 0;
    }
    return a.equals(b);
  }

  private static List<JsonNode> elements(ArrayNode array) {
    List<JsonNode> list = new ArrayList<>(array.size());
    array.forEach(list::add);
    return list;
  }

  private static List<String> fieldNames(ObjectNode node) {
    List<String> names = new ArrayList<>(node.size());
    node.fieldNames().forEachRemaining(names::add);
    return names;
  }

  private static String child(String path, String key) {
    return path.isEmpty() ? key : path + "." + key;
  }

  private static String lastName(String path) {
    return path.substring(path.lastIndexOf('.') + 1);
  }

  /** Go's {@code %v} of a decoded JSON value, which Kubernetes' patch errors print. */
  static String goValue(JsonNode v) {
    if (v == null || v.isNull() || v.isMissingNode()) {
      return "<nil>";
    }
    if (v.isObject()) {
      TreeMap<String, String> sorted = new TreeMap<>();
      v.fields().forEachRemaining(e -> sorted.put(e.getKey(), goValue(e.getValue())));
      StringBuilder sb = new StringBuilder("map[");
      sorted.forEach(
          (k, val) -> sb.append(sb.length() > 4 ? " " : "").append(k).append(':').append(val));
      return sb.append(']').toString();
    }
    if (v.isArray()) {
      List<String> items = new ArrayList<>();
      v.forEach(item -> items.add(goValue(item)));
      return "[" + String.join(" ", items) + "]";
    }
    if (v.isNumber()) {
      BigDecimal d = v.decimalValue().stripTrailingZeros();
      return d.abs().compareTo(BigDecimal.valueOf(1e21)) < 0 && d.scale() <= 0
          ? d.toBigInteger().toString()
          : String.valueOf(v.doubleValue());
    }
    return v.asText();
  }
}
