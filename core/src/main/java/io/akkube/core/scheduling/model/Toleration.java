package io.akkube.core.scheduling.model;

import com.fasterxml.jackson.databind.JsonNode;
import io.akkube.core.api.Json;
import java.util.ArrayList;
import java.util.List;

/**
 * A pod toleration ({@code spec.tolerations[*]}). An empty operator means Equal, an empty key (with
 * Exists) every key, an empty effect every effect.
 */
public record Toleration(String key, String operator, String value, String effect) {

  static List<Toleration> listFromJson(JsonNode tolerations) {
    List<Toleration> out = new ArrayList<>();
    if (tolerations != null && tolerations.isArray()) {
      for (JsonNode t : tolerations) {
        out.add(
            new Toleration(
                Json.text(t, "key"),
                Json.text(t, "operator"),
                Json.text(t, "value"),
                Json.text(t, "effect")));
      }
    }
    return List.copyOf(out);
  }

  /** Toleration.ToleratesTaint. */
  public boolean tolerates(Taint taint) {
    if (!effect.isEmpty() && !effect.equals(taint.effect())) {
      return false;
    }
    if (!key.isEmpty() && !key.equals(taint.key())) {
      return false;
    }
    return switch (operator) {
      case "", "Equal" -> value.equals(taint.value());
      case "Exists" -> true;
      default -> false;
    };
  }

  /** v1helper.TolerationsTolerateTaint. */
  public static boolean anyTolerates(List<Toleration> tolerations, Taint taint) {
    for (Toleration t : tolerations) {
      if (t.tolerates(taint)) {
        return true;
      }
    }
    return false;
  }
}
