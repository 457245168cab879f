package io.akkube.core.scheduling.model;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * A node selector term: label expressions and field expressions, all ANDed. An empty term selects
 * no node.
 */
public record NodeSelectorTerm(
    List<NodeSelectorRequirement> matchExpressions, List<NodeSelectorRequirement> matchFields) {

  public NodeSelectorTerm {
    matchExpressions = List.copyOf(matchExpressions);
    matchFields = List.copyOf(matchFields);
  }

  static NodeSelectorTerm fromJson(JsonNode term) {
    return new NodeSelectorTerm(
        NodeSelectorRequirement.listFromJson(term.get("matchExpressions")),
        NodeSelectorRequirement.listFromJson(term.get("matchFields")));
  }

  static List<NodeSelectorTerm> listFromJson(JsonNode terms) {
    List<NodeSelectorTerm> out = new ArrayList<>();
    if (terms != null && terms.isArray()) {
      terms.forEach(t -> out.add(fromJson(t)));
    }
    return List.copyOf(out);
  }

  public boolean isEmpty() {
    return matchExpressions.isEmpty() && matchFields.isEmpty();
  }

  public boolean matches(String nodeName, Map<String, String> nodeLabels) {
    if (isEmpty()) {
      return false;
    }
    for (NodeSelectorRequirement r : matchExpressions) {
      if (!r.matchesLabels(nodeLabels)) {
        return false;
      }
    }
    for (NodeSelectorRequirement r : matchFields) {
      if (!r.matchesFields(nodeName)) {
        return false;
      }
    }
    return true;
  }

  /** Whether any of the ORed terms matches the node. */
  public static boolean anyMatches(
      List<NodeSelectorTerm> terms, String nodeName, Map<String, String> nodeLabels) {
    for (NodeSelectorTerm t : terms) {
      if (t.matches(nodeName, nodeLabels)) {
        return true;
      }
    }
    return false;
  }
}
