package io.akkube.core.scheduling.model;

import com.fasterxml.jackson.databind.JsonNode;
import io.akkube.core.selection.LabelSelector;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A pod (anti-)affinity term as framework.AffinityTerm: which pods it selects (a label selector,
 * within the listed namespaces or the namespaces a namespace selector picks; the owning pod's own
 * namespace when neither is given) and the node label that defines "the same place".
 */
public record PodAffinityTerm(
    LabelSelector selector,
    Set<String> namespaces,
    LabelSelector namespaceSelector,
    String topologyKey) {

  public PodAffinityTerm {
    namespaces = Set.copyOf(namespaces);
  }

  static PodAffinityTerm fromJson(JsonNode term, String ownNamespace) {
    Set<String> namespaces = new LinkedHashSet<>();
    term.path("namespaces").forEach(n -> namespaces.add(n.asText()));
    JsonNode nsSelector = term.get("namespaceSelector");
    if (namespaces.isEmpty() && (nsSelector == null || nsSelector.isNull())) {
      namespaces.add(ownNamespace);
    }
    return new PodAffinityTerm(
        LabelSelector.fromJson(term.get("labelSelector")),
        namespaces,
        LabelSelector.fromJson(nsSelector),
        term.path("topologyKey").asText(""));
  }

  static List<PodAffinityTerm> listFromJson(JsonNode terms, String ownNamespace) {
    List<PodAffinityTerm> out = new ArrayList<>();
    if (terms != null && terms.isArray()) {
      terms.forEach(t -> out.add(fromJson(t, ownNamespace)));
    }
    return List.copyOf(out);
  }

  /**
   * AffinityTerm.Matches: the pod is in one of the term's namespaces (or its namespace's labels
   * match the namespace selector) and its labels match the selector.
   */
  public boolean matches(PodInfo pod, Map<String, String> podNamespaceLabels) {
    boolean inNamespace =
        namespaces.contains(pod.namespace()) || namespaceSelector.matches(podNamespaceLabels);
    return inNamespace && selector.matches(pod.labels());
  }
}
