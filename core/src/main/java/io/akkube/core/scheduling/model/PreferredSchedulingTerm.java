package io.akkube.core.scheduling.model;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;

/** One entry of preferredDuringSchedulingIgnoredDuringExecution of node affinity. */
public record PreferredSchedulingTerm(int weight, NodeSelectorTerm preference) {

  static List<PreferredSchedulingTerm> listFromJson(JsonNode terms) {
    List<PreferredSchedulingTerm> out = new ArrayList<>();
    if (terms != null && terms.isArray()) {
      for (JsonNode t : terms) {
        out.add(
            new PreferredSchedulingTerm(
                t.path("weight").asInt(), NodeSelectorTerm.fromJson(t.path("preference"))));
      }
    }
    return List.copyOf(out);
  }
}
