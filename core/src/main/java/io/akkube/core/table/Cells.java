package io.akkube.core.table;

import com.fasterxml.jackson.databind.JsonNode;
import io.akkube.core.api.Json;
import java.time.Instant;

/** Small readers shared by the column sets. */
final class Cells {

  private Cells() {}

  /** {@code metadata.creationTimestamp} as an age. */
  static String age(JsonNode object, Instant now) {
    return HumanDuration.since(Json.metaText(object, "creationTimestamp"), now);
  }

  /** The number of entries of an object-valued field (0 if absent). */
  static int size(JsonNode node) {
    return node != null && (node.isObject() || node.isArray()) ? node.size() : 0;
  }

  static String orElse(String value, String fallback) {
    return value == null || value.isEmpty() ? fallback : value;
  }
}
