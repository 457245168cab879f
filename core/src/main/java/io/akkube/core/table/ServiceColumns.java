package io.akkube.core.table;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.akkube.core.api.Json;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * {@code Name, Type, Cluster-IP, External-IP, Port(s), Age} and wide {@code Selector}, as
 * printService: ports read {@code 80:31021/TCP,443/TCP}; a LoadBalancer without ingress is {@code
 * <pending>}, an ExternalName service shows its name.
 */
final class ServiceColumns implements ColumnSet {

  /** Longer load-balancer lists are cut to 13 characters and "..." unless printing wide. */
  private static final int MAX_LOAD_BALANCER_WIDTH = 16;

  private static final List<Column> COLUMNS =
      List.of(
          Column.nameColumn(),
          Column.of(
              "Type",
              "string",
              "type determines how the Service is exposed. Defaults to ClusterIP. Valid options"
                  + " are ExternalName, ClusterIP, NodePort, and LoadBalancer."),
          Column.of(
              "Cluster-IP",
              "string",
              "clusterIP is the IP address of the service and is usually assigned randomly."),
          Column.of(
              "External-IP",
              "string",
              "externalIPs is a list of IP addresses for which nodes in the cluster will also"
                  + " accept traffic for this service."),
          Column.of("Port(s)", "string", "The list of ports that are exposed by this service."),
          Column.ageColumn(),
          Column.wide(
              "Selector",
              "string",
              "Route service traffic to pods with label keys and values matching this selector."));

  @Override
  public List<Column> columns() {
    return COLUMNS;
  }

  @Override
  public List<Object> cells(ObjectNode service, Instant now) {
    JsonNode spec = service.path("spec");
    JsonNode clusterIps = spec.path("clusterIPs");
    String clusterIp = clusterIps.size() > 0 ? clusterIps.get(0).asText() : "<none>";
    String ports = ports(spec);
    return List.of(
        Json.name(service),
        Json.text(spec, "type"),
        clusterIp,
        externalIp(service, false),
        ports.isEmpty() ? "<none>" : ports,
        Cells.age(service, now),
        ReplicaSetColumns.labels(spec.get("selector")));
  }

  /** makePortString. */
  static String ports(JsonNode spec) {
    List<String> pieces = new ArrayList<>();
    for (JsonNode port : spec.path("ports")) {
      long nodePort = port.path("nodePort").asLong(0);
      String protocol = Json.text(port, "protocol");
      long number = port.path("port").asLong(0);
      pieces.add(nodePort > 0 ? number + ":" + nodePort + "/" + protocol : number + "/" + protocol);
    }
    return String.join(",", pieces);
  }

  /** getServiceExternalIP. */
  static String externalIp(JsonNode service, boolean wide) {
    JsonNode spec = service.path("spec");
    List<String> externalIps = new ArrayList<>();
    spec.path("externalIPs").forEach(ip -> externalIps.add(ip.asText()));
    switch (Json.text(spec, "type")) {
      case "ClusterIP", "NodePort" -> {
        return externalIps.isEmpty() ? "<none>" : String.join(",", externalIps);
      }
      case "LoadBalancer" -> {
        String lbIps = loadBalancerIps(service.path("status").path("loadBalancer"), wide);
        if (!externalIps.isEmpty()) {
          List<String> all = new ArrayList<>();
          if (!lbIps.isEmpty()) {
            all.addAll(List.of(lbIps.split(",")));
          }
          all.addAll(externalIps);
          return String.join(",", all);
        }
        return lbIps.isEmpty() ? "<pending>" : lbIps;
      }
      case "ExternalName" -> {
        return Json.text(spec, "externalName");
      }
      default -> {
        return "<unknown>";
      }
    }
  }

  private static String loadBalancerIps(JsonNode loadBalancer, boolean wide) {
    List<String> ingress = new ArrayList<>();
    for (JsonNode i : loadBalancer.path("ingress")) {
      String ip = Json.text(i, "ip");
      String hostname = Json.text(i, "hostname");
      if (!ip.isEmpty()) {
        ingress.add(ip);
      } else if (!hostname.isEmpty()) {
        ingress.add(hostname);
      }
    }
    String r = String.join(",", ingress);
    if (!wide && r.length() > MAX_LOAD_BALANCER_WIDTH) {
      r = r.substring(0, 13) + "...";
    }
    return r;
  }
}
