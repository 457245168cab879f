package io.akkube.cluster.services;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.akkube.core.api.Json;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * What a Service write must reserve and may release, as the service REST storage decides it
 * (allocateCreate / allocateUpdate): a cluster IP for every type but ExternalName and headless
 * ({@code clusterIP: None}), the one asked for or any; a node port for every port of a NodePort or
 * LoadBalancer service (a LoadBalancer with {@code allocateLoadBalancerNodePorts: false} only gets
 * those asked for), ports with the same number sharing one, and a health check node port for a
 * LoadBalancer with {@code externalTrafficPolicy: Local}; what the previous version held and the
 * new one does not is released once the new one is written. Pure: works on defaulted services.
 *
 * @param ip the cluster IP to reserve ("" for any), null for none
 * @param ports node ports to reserve (0 for any), each for the port at the same place of {@code
 *     portIndexes}
 */
public record AllocationPlan(
    String ip,
    List<Integer> ports,
    List<Integer> portIndexes,
    List<String> releaseIps,
    List<Integer> releasePorts) {

  /** The place in {@link #portIndexes} that stands for {@code spec.healthCheckNodePort}. */
  public static final int HEALTH_CHECK = -1;

  /** What a service holds: its cluster IP (if any) and its node ports (health check included). */
  public record Holdings(List<String> ips, List<Integer> ports) {}

  public boolean reservesNothing() {
    return ip == null && ports.isEmpty();
  }

  public static Holdings holdings(JsonNode service) {
    JsonNode spec = service == null ? Json.MAPPER.createObjectNode() : service.path("spec");
    List<String> ips = new ArrayList<>();
    String clusterIp = Json.text(spec, "clusterIP");
    if (needsClusterIp(spec) && !clusterIp.isEmpty()) {
      ips.add(clusterIp);
    }
    Set<Integer> ports = new LinkedHashSet<>();
    if (needsNodePorts(spec)) {
      for (JsonNode port : spec.path("ports")) {
        int nodePort = port.path("nodePort").asInt(0);
        if (nodePort != 0) {
          ports.add(nodePort);
        }
      }
    }
    int healthCheck = spec.path("healthCheckNodePort").asInt(0);
    if (needsHealthCheck(spec) && healthCheck != 0) {
      ports.add(healthCheck);
    }
    return new Holdings(List.copyOf(ips), List.copyOf(ports));
  }

  /** The plan for writing {@code next} over {@code previous} (null on create). */
  public static AllocationPlan of(JsonNode previous, JsonNode next) {
    Holdings before = holdings(previous);
    JsonNode spec = next.path("spec");
    String ip = null;
    String clusterIp = Json.text(spec, "clusterIP");
    boolean keepsIp = false;
    if (needsClusterIp(spec)) {
      keepsIp = !clusterIp.isEmpty() && before.ips().contains(clusterIp);
      ip = keepsIp ? null : clusterIp;
    }
    List<Integer> ports = new ArrayList<>();
    List<Integer> indexes = new ArrayList<>();
    Set<Integer> kept = new LinkedHashSet<>();
    if (needsNodePorts(spec)) {
      List<JsonNode> servicePorts = new ArrayList<>();
      spec.path("ports").forEach(servicePorts::add);
      Map<Long, Integer> byNumber = new HashMap<>();
      for (JsonNode port : servicePorts) {
        int nodePort = port.path("nodePort").asInt(0);
        if (nodePort != 0) {
          byNumber.putIfAbsent(port.path("port").asLong(), nodePort);
        }
      }
      Set<Integer> requested = new LinkedHashSet<>();
      for (int i = 0; i < servicePorts.size(); i++) {
        JsonNode port = servicePorts.get(i);
        int nodePort = port.path("nodePort").asInt(0);
        long number = port.path("port").asLong();
        if (nodePort != 0) {
          if (before.ports().contains(nodePort)) {
            kept.add(nodePort);
          } else if (requested.add(nodePort)) {
            ports.add(nodePort);
            indexes.add(i);
          }
        } else if (allocatesNodePorts(spec) && !byNumber.containsKey(number)) {
          byNumber.put(number, 0);
          ports.add(0);
          indexes.add(i);
        }
      }
    }
    if (needsHealthCheck(spec)) {
      int healthCheck = spec.path("healthCheckNodePort").asInt(0);
      if (healthCheck != 0 && before.ports().contains(healthCheck)) {
        kept.add(healthCheck);
      } else if (healthCheck == 0 || !ports.contains(healthCheck)) {
        ports.add(healthCheck);
        indexes.add(HEALTH_CHECK);
      }
    }
    List<String> releaseIps = keepsIp ? List.of() : before.ips();
    List<Integer> releasePorts = new ArrayList<>(before.ports());
    releasePorts.removeAll(kept);
    return new AllocationPlan(
        ip, List.copyOf(ports), List.copyOf(indexes), releaseIps, List.copyOf(releasePorts));
  }

  /** Writes what was reserved into the service: the cluster IP and the node ports asked for. */
  public void fill(ObjectNode service, String reservedIp, List<Integer> reservedPorts) {
    ObjectNode spec = service.with("spec");
    if (ip != null && reservedIp != null) {
      spec.put("clusterIP", reservedIp);
      spec.putArray("clusterIPs").add(reservedIp);
    }
    List<JsonNode> servicePorts = new ArrayList<>();
    spec.path("ports").forEach(servicePorts::add);
    Map<Long, Integer> byNumber = new HashMap<>();
    for (int k = 0; k < portIndexes.size(); k++) {
      if (portIndexes.get(k) == HEALTH_CHECK) {
        spec.put("healthCheckNodePort", reservedPorts.get(k));
        continue;
      }
      ObjectNode port = (ObjectNode) servicePorts.get(portIndexes.get(k));
      port.put("nodePort", reservedPorts.get(k));
    }
    if (!allocatesNodePorts(spec)) {
      return;
    }
    for (JsonNode port : servicePorts) {
      int nodePort = port.path("nodePort").asInt(0);
      if (nodePort != 0) {
        byNumber.putIfAbsent(port.path("port").asLong(), nodePort);
      }
    }
    for (JsonNode port : servicePorts) {
      Integer shared = byNumber.get(port.path("port").asLong());
      if (port.path("nodePort").asInt(0) == 0 && shared != null) {
        ((ObjectNode) port).put("nodePort", shared);
      }
    }
  }

  /** NeedsHealthCheck: a LoadBalancer that keeps client addresses (externalTrafficPolicy Local). */
  static boolean needsHealthCheck(JsonNode spec) {
    return Json.text(spec, "type").equals("LoadBalancer")
        && Json.text(spec, "externalTrafficPolicy").equals("Local");
  }

  static boolean needsClusterIp(JsonNode spec) {
    return !Json.text(spec, "type").equals("ExternalName")
        && !Json.text(spec, "clusterIP").equals("None");
  }

  static boolean needsNodePorts(JsonNode spec) {
    String type = Json.text(spec, "type");
    return type.equals("NodePort") || type.equals("LoadBalancer");
  }

  /** shouldAllocateNodePorts: NodePort always, LoadBalancer unless it opted out. */
  private static boolean allocatesNodePorts(JsonNode spec) {
    String type = Json.text(spec, "type");
    return type.equals("NodePort")
        || (type.equals("LoadBalancer")
            && spec.path("allocateLoadBalancerNodePorts").asBoolean(true));
  }
}
