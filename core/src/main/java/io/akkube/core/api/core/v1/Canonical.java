package io.akkube.core.api.core.v1;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.akkube.core.quantity.Quantity;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** Rewrites resource lists in the canonical quantity form Kubernetes serializes (0.5 → 500m). */
final class Canonical {

  private Canonical() {}

  /**
   * Canonicalizes every parseable quantity of a resource list; invalid ones are left for
   * validation.
   */
  static void quantities(ObjectNode list) {
    if (list == null) {
      return;
    }
    List<Map.Entry<String, JsonNode>> entries = new ArrayList<>();
    list.fields().forEachRemaining(entries::add);
    for (Map.Entry<String, JsonNode> e : entries) {
      if (Quantity.parseError(e.getValue()) == null) {
        list.put(e.getKey(), Quantity.fromJson(e.getValue()).toString());
      }
    }
  }
}
