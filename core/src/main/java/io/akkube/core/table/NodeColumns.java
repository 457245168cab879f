package io.akkube.core.table;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.akkube.core.api.Json;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;

/**
 * {@code Name, Status, Roles, Age, Version} and wide {@code Internal-IP, External-IP, OS-Image,
 * Kernel-Version, Container-Runtime}, as printNode: Status is Ready/NotReady/Unknown from the Ready
 * condition, plus SchedulingDisabled when cordoned.
 */
final class NodeColumns implements ColumnSet {

  private static final String ROLE_LABEL_PREFIX = "node-role.kubernetes.io/";
  private static final String ROLE_LABEL = "kubernetes.io/role";

  private static final List<Column> COLUMNS =
      List.of(
          Column.nameColumn(),
          Column.of("Status", "string", "The status of the node"),
          Column.of("Roles", "string", "The roles of the node"),
          Column.ageColumn(),
          Column.of("Version", "string", "Kubelet Version reported by the node."),
          Column.wide("Internal-IP", "string", "List of addresses reachable to the node."),
          Column.wide("External-IP", "string", "List of addresses reachable to the node."),
          Column.wide(
              "OS-Image",
              "string",
              "OS Image reported by the node from /etc/os-release (e.g. Debian GNU/Linux 7"
                  + " (wheezy))."),
          Column.wide(
              "Kernel-Version",
              "string",
              "Kernel Version reported by the node from 'uname -r' (e.g. 3.16.0-0.bpo.4-amd64)."),
          Column.wide(
              "Container-Runtime",
              "string",
              "ContainerRuntime Version reported by the node through runtime remote API (e.g."
                  + " containerd://1.4.2)."));

  @Override
  public List<Column> columns() {
    return COLUMNS;
  }

  @Override
  public List<Object> cells(ObjectNode node, Instant now) {
    JsonNode status = node.path("status");
    JsonNode info = status.path("nodeInfo");
    return List.of(
        Json.name(node),
        status(node),
        roles(node),
        Cells.age(node, now),
        Json.text(info, "kubeletVersion"),
        address(status, "InternalIP"),
        address(status, "ExternalIP"),
        Cells.orElse(Json.text(info, "osImage"), "<unknown>"),
        Cells.orElse(Json.text(info, "kernelVersion"), "<unknown>"),
        Cells.orElse(Json.text(info, "containerRuntimeVersion"), "<unknown>"));
  }

  static String status(JsonNode node) {
    List<String> status = new ArrayList<>();
    for (JsonNode c : node.path("status").path("conditions")) {
      if (c.path("type").asText().equals("Ready")) {
        status.add(c.path("status").asText().equals("True") ? "Ready" : "NotReady");
        break;
      }
    }
    if (status.isEmpty()) {
      status.add("Unknown");
    }
    if (node.path("spec").path("unschedulable").asBoolean(false)) {
      status.add("SchedulingDisabled");
    }
    return String.join(",", status);
  }

  static String roles(JsonNode node) {
    TreeSet<String> roles = new TreeSet<>();
    for (Map.Entry<String, String> label : Json.labels(node).entrySet()) {
      if (label.getKey().startsWith(ROLE_LABEL_PREFIX)) {
        String role = label.getKey().substring(ROLE_LABEL_PREFIX.length());
        if (!role.isEmpty()) {
          roles.add(role);
        }
      } else if (label.getKey().equals(ROLE_LABEL) && !label.getValue().isEmpty()) {
        roles.add(label.getValue());
      }
    }
    return roles.isEmpty() ? "<none>" : String.join(",", roles);
  }

  private static String address(JsonNode status, String type) {
    for (JsonNode a : status.path("addresses")) {
      if (a.path("type").asText().equals(type)) {
        return a.path("address").asText();
      }
    }
    return "<none>";
  }
}
