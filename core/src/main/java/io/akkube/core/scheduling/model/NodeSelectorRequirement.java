package io.akkube.core.scheduling.model;

import com.fasterxml.jackson.databind.JsonNode;
import io.akkube.core.api.Json;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * One requirement of a node selector term: {@code key operator values}, with the operators In,
 * NotIn, Exists, DoesNotExist, Gt and Lt.
 */
public record NodeSelectorRequirement(String key, String operator, List<String> values) {

  public NodeSelectorRequirement {
    values = List.copyOf(values);
  }

  static List<NodeSelectorRequirement> listFromJson(JsonNode requirements) {
    List<NodeSelectorRequirement> out = new ArrayList<>();
    if (requirements != null && requirements.isArray()) {
      for (JsonNode r : requirements) {
        List<String> values = new ArrayList<>();
        r.path("values").forEach(v -> values.add(v.asText()));
        out.add(new NodeSelectorRequirement(Json.text(r, "key"), Json.text(r, "operator"), values));
      }
    }
    return List.copyOf(out);
  }

  /**
   * Whether node labels satisfy this requirement, as the labels.Requirement built by
   * NodeSelectorRequirementsAsSelector; a requirement that selector could not be built from (Gt
   * with a non-integer, In without values, an unknown operator) matches nothing.
   */
  public boolean matchesLabels(Map<String, String> labels) {
    String actual = labels.get(key);
    return switch (operator) {
      case "In" -> !values.isEmpty() && actual != null && values.contains(actual);
      case "NotIn" -> !values.isEmpty() && (actual == null || !values.contains(actual));
      case "Exists" -> values.isEmpty() && actual != null;
      case "DoesNotExist" -> values.isEmpty() && actual == null;
      case "Gt", "Lt" -> compares(actual);
      default -> false;
    };
  }

  private boolean compares(String actual) {
    if (values.size() != 1 || actual == null) {
      return false;
    }
    try {
      long want = Long.parseLong(values.get(0));
      long have = Long.parseLong(actual);
      return operator.equals("Gt") ? have > want : have < want;
    } catch (NumberFormatException e) {
      return false;
    }
  }

  /**
   * Whether the node's fields satisfy this requirement: only {@code metadata.name} with In or NotIn
   * and exactly one value, as NodeSelectorRequirementsAsFieldSelector accepts.
   */
  public boolean matchesFields(String nodeName) {
    if (!key.equals("metadata.name") || values.size() != 1) {
      return false;
    }
    return switch (operator) {
      case "In" -> values.get(0).equals(nodeName);
      case "NotIn" -> !values.get(0).equals(nodeName);
      default -> false;
    };
  }
}
