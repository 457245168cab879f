package io.akkube.core.scheduling.model;

import com.fasterxml.jackson.databind.JsonNode;
import io.akkube.core.api.Json;
import java.util.ArrayList;
import java.util.List;

/** A node taint ({@code spec.taints[*]}): key, value and effect. */
public record Taint(String key, String value, String effect) {

  public static final String NO_SCHEDULE = "NoSchedule";
  public static final String PREFER_NO_SCHEDULE = "PreferNoSchedule";
  public static final String NO_EXECUTE = "NoExecute";

  /** The taint the node lifecycle controller puts on cordoned nodes. */
  public static final String UNSCHEDULABLE_KEY = "node.kubernetes.io/unschedulable";

  static List<Taint> listFromJson(JsonNode taints) {
    List<Taint> out = new ArrayList<>();
    if (taints != null && taints.isArray()) {
      for (JsonNode t : taints) {
        out.add(new Taint(Json.text(t, "key"), Json.text(t, "value"), Json.text(t, "effect")));
      }
    }
    return List.copyOf(out);
  }

  /** As kube-scheduler prints it in a reason: {@code {key: value}}. */
  public String describe() {
    return "{" + key + ": " + value + "}";
  }
}
