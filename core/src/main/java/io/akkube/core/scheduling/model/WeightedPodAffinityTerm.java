package io.akkube.core.scheduling.model;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;

/** One preferredDuringSchedulingIgnoredDuringExecution entry of pod (anti-)affinity. */
public record WeightedPodAffinityTerm(int weight, PodAffinityTerm term) {

  static List<WeightedPodAffinityTerm> listFromJson(JsonNode terms, String ownNamespace) {
    List<WeightedPodAffinityTerm> out = new ArrayList<>();
    if (terms != null && terms.isArray()) {
      for (JsonNode t : terms) {
        out.add(
            new WeightedPodAffinityTerm(
                t.path("weight").asInt(),
                PodAffinityTerm.fromJson(t.path("podAffinityTerm"), ownNamespace)));
      }
    }
    return List.copyOf(out);
  }
}
