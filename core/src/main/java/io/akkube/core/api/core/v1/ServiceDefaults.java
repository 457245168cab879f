package io.akkube.core.api.core.v1;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.akkube.core.validation.IpValidation;

/**
 * SetDefaults_Service, plus the IP-family defaults the service REST storage fills in for a
 * single-stack IPv4 cluster: ClusterIP type, no session affinity, TCP ports whose targetPort is the
 * port, Cluster traffic policies, and clusterIP mirrored into clusterIPs. Allocating cluster IPs
 * and node ports is not defaulting and does not happen here.
 */
public final class ServiceDefaults {

  public static final int DEFAULT_CLIENT_IP_TIMEOUT_SECONDS = 10800;

  private ServiceDefaults() {}

  public static void applyDefaults(ObjectNode service) {
    ObjectNode spec = Trees.objectOrCreate(service, "spec");
    Trees.putIfAbsent(spec, "sessionAffinity", "None");
    if (Trees.text(spec, "sessionAffinity").equals("ClientIP")) {
      ObjectNode clientIp =
          Trees.objectOrCreate(Trees.objectOrCreate(spec, "sessionAffinityConfig"), "clientIP");
      Trees.putIfAbsent(clientIp, "timeoutSeconds", DEFAULT_CLIENT_IP_TIMEOUT_SECONDS);
    }
    Trees.putIfAbsent(spec, "type", "ClusterIP");
    String type = Trees.text(spec, "type");
    for (ObjectNode port : Trees.objects(spec, "ports")) {
      Trees.putIfAbsent(port, "protocol", "TCP");
      JsonNode target = port.get("targetPort");
      boolean unset =
          target == null
              || target.isNull()
              || (target.isNumber() && target.asLong() == 0)
              || (target.isTextual() && target.asText().isEmpty());
      if (unset && port.has("port")) {
        port.set("targetPort", port.get("port"));
      }
    }
    if (type.equals("LoadBalancer") && !Trees.has(spec, "allocateLoadBalancerNodePorts")) {
      spec.put("allocateLoadBalancerNodePorts", true);
    }
    if (externallyAccessible(spec)) {
      Trees.putIfAbsent(spec, "externalTrafficPolicy", "Cluster");
    }
    if (!type.equals("ExternalName")) {
      Trees.putIfAbsent(spec, "internalTrafficPolicy", "Cluster");
      defaultIpFamilies(spec);
    }
  }

  /** NodePort and LoadBalancer services, and ClusterIP services with external IPs. */
  static boolean externallyAccessible(JsonNode spec) {
    String type = Trees.text(spec, "type");
    return type.equals("NodePort")
        || type.equals("LoadBalancer")
        || (type.equals("ClusterIP") && !Trees.isEmpty(spec.get("externalIPs")));
  }

  static boolean isHeadless(JsonNode spec) {
    return Trees.text(spec, "clusterIP").equals("None");
  }

  /**
   * clusterIP and clusterIPs[0] mirror each other; a headless service without selector may have
   * every family (RequireDualStack), any other one family, the cluster's (IPv4) unless its cluster
   * IP says otherwise.
   */
  private static void defaultIpFamilies(ObjectNode spec) {
    String clusterIp = Trees.text(spec, "clusterIP");
    JsonNode clusterIps = spec.get("clusterIPs");
    if (Trees.isEmpty(clusterIps) && !clusterIp.isEmpty()) {
      spec.putArray("clusterIPs").add(clusterIp);
    } else if (clusterIp.isEmpty() && clusterIps != null && clusterIps.size() > 0) {
      spec.put("clusterIP", clusterIps.get(0).asText());
      clusterIp = clusterIps.get(0).asText();
    }
    if (!Trees.has(spec, "ipFamilyPolicy")) {
      boolean selectorless = Trees.isEmpty(spec.get("selector"));
      spec.put(
          "ipFamilyPolicy", isHeadless(spec) && selectorless ? "RequireDualStack" : "SingleStack");
    }
    if (Trees.isEmpty(spec.get("ipFamilies"))) {
      ArrayNode families = spec.putArray("ipFamilies");
      families.add(IpValidation.isIPv6(clusterIp) ? "IPv6" : "IPv4");
    }
  }
}
