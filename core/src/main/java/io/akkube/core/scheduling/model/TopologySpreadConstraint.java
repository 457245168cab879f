package io.akkube.core.scheduling.model;

import com.fasterxml.jackson.databind.JsonNode;
import io.akkube.core.api.Json;
import io.akkube.core.selection.LabelSelector;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A topology spread constraint as PodTopologySpread uses it: the label selector plus the pod's own
 * values of {@code matchLabelKeys}, minDomains defaulted to 1, and the node inclusion policies
 * defaulted (nodeAffinityPolicy Honor, nodeTaintsPolicy Ignore).
 */
public record TopologySpreadConstraint(
    int maxSkew,
    String topologyKey,
    String whenUnsatisfiable,
    LabelSelector selector,
    Map<String, String> matchLabels,
    int minDomains,
    boolean honorNodeAffinity,
    boolean honorNodeTaints) {

  public static final String DO_NOT_SCHEDULE = "DoNotSchedule";
  public static final String SCHEDULE_ANYWAY = "ScheduleAnyway";

  public TopologySpreadConstraint {
    matchLabels = Map.copyOf(matchLabels);
  }

  static List<TopologySpreadConstraint> listFromJson(
      JsonNode constraints, Map<String, String> podLabels) {
    List<TopologySpreadConstraint> out = new ArrayList<>();
    if (constraints == null || !constraints.isArray()) {
      return out;
    }
    for (JsonNode c : constraints) {
      Map<String, String> matchLabels = new LinkedHashMap<>();
      c.path("matchLabelKeys")
          .forEach(
              k -> {
                String v = podLabels.get(k.asText());
                if (v != null) {
                  matchLabels.put(k.asText(), v);
                }
              });
      JsonNode minDomains = c.get("minDomains");
      out.add(
          new TopologySpreadConstraint(
              c.path("maxSkew").asInt(),
              Json.text(c, "topologyKey"),
              Json.text(c, "whenUnsatisfiable"),
              LabelSelector.fromJson(c.get("labelSelector")),
              matchLabels,
              minDomains == null || minDomains.isNull() ? 1 : minDomains.asInt(),
              !"Ignore".equals(Json.text(c, "nodeAffinityPolicy")),
              "Honor".equals(Json.text(c, "nodeTaintsPolicy"))));
    }
    return List.copyOf(out);
  }

  /** Whether a pod's labels are counted by this constraint. */
  public boolean selects(Map<String, String> labels) {
    if (!selector.matches(labels)) {
      return false;
    }
    for (Map.Entry<String, String> e : matchLabels.entrySet()) {
      if (!e.getValue().equals(labels.get(e.getKey()))) {
        return false;
      }
    }
    return true;
  }
}
