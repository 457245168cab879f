package io.akkube.core.validation;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeMap;

/**
 * Values rendered as Go's {@code %#v} prints them, for the "Invalid value: …" part of messages
 * whose bad value is a map, a slice or a struct in Kubernetes ({@code
 * map[string]string{"app":"web"}}). Strings and numbers need none of this: {@link
 * io.akkube.core.api.FieldError#invalid} renders them.
 */
public final class GoValues {

  private GoValues() {}

  /** A {@code map[string]string}: keys sorted as fmt sorts them, {@code (nil)} when absent. */
  public static String stringMap(JsonNode map) {
    if (map == null || !map.isObject()) {
      return "map[string]string(nil)";
    }
    TreeMap<String, String> sorted = new TreeMap<>();
    map.fields().forEachRemaining(e -> sorted.put(e.getKey(), e.getValue().asText()));
    List<String> entries = new ArrayList<>();
    sorted.forEach((k, v) -> entries.add(quote(k) + ":" + quote(v)));
    return "map[string]string{" + String.join(", ", entries) + "}";
  }

  /** A {@code []string}, {@code (nil)} when absent. */
  public static String stringSlice(JsonNode list) {
    return slice("[]string", list, v -> quote(v.asText()));
  }

  /** A metav1.LabelSelector struct. */
  public static String labelSelector(JsonNode selector) {
    JsonNode expressions = selector == null ? null : selector.get("matchExpressions");
    return "v1.LabelSelector{MatchLabels:"
        + stringMap(selector == null ? null : selector.get("matchLabels"))
        + ", MatchExpressions:"
        + slice(
            "[]v1.LabelSelectorRequirement",
            expressions,
            e ->
                "v1.LabelSelectorRequirement{Key:"
                    + quote(e.path("key").asText())
                    + ", Operator:"
                    + quote(e.path("operator").asText())
                    + ", Values:"
                    + stringSlice(e.get("values"))
                    + "}")
        + "}";
  }

  /** An intstr.IntOrString struct: Type 0 holds an int, Type 1 a string. */
  public static String intOrString(JsonNode value) {
    if (value != null && value.isTextual()) {
      return "intstr.IntOrString{Type:1, IntVal:0, StrVal:" + quote(value.asText()) + "}";
    }
    long v = value == null ? 0 : value.asLong(0);
    return "intstr.IntOrString{Type:0, IntVal:" + v + ", StrVal:\"\"}";
  }

  public static String quote(String s) {
    return '"' + s.replace("\\", "\\\\").replace("\"", "\\\"") + '"';
  }

  private static String slice(
      String type, JsonNode list, java.util.function.Function<JsonNode, String> element) {
    if (list == null || !list.isArray()) {
      return type + "(nil)";
    }
    List<String> items = new ArrayList<>();
    list.forEach(e -> items.add(element.apply(e)));
    return type + "{" + String.join(", ", items) + "}";
  }
}
