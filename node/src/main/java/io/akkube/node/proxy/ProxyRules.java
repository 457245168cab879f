package io.akkube.node.proxy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.akkube.core.api.Json;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What a node's proxy serves, as a pure function of the catalog (kube-proxy's service and endpoints
 * change trackers): every ClusterIP:port and every node-address:nodePort of a service port, each
 * with the ready endpoint addresses of the Endpoints subset port of the same name and protocol.
 */
public final class ProxyRules {

  /** kube-proxy's default for sessionAffinityConfig.clientIP.timeoutSeconds (3 hours). */
  public static final Duration DEFAULT_AFFINITY_TIMEOUT = Duration.ofSeconds(10800);

  private ProxyRules() {}

  /** An address the proxy listens on. */
  public record Frontend(String protocol, String ip, int port) {
    @Override
    public String toString() {
      return ip + ":" + port + "/" + protocol;
    }
  }

  /**
   * Where a frontend forwards to: {@code service} names it ({@code ns/name:port}) in logs; affinity
   * is zero without sessionAffinity ClientIP.
   */
  public record Rule(String service, List<InetSocketAddress> endpoints, Duration affinity) {
    public Rule {
      endpoints = List.copyOf(endpoints);
    }
  }

  public static Map<Frontend, Rule> of(ServiceCatalog catalog, String nodeAddress) {
    Map<Frontend, Rule> rules = new LinkedHashMap<>();
    for (ObjectNode service : catalog.services().values()) {
      JsonNode spec = service.path("spec");
      String type = spec.path("type").asText("ClusterIP");
      if (type.equals("ExternalName")) {
        continue;
      }
      String clusterIp = spec.path("clusterIP").asText("");
      boolean hasClusterIp = !clusterIp.isEmpty() && !clusterIp.equals("None");
      Duration affinity = affinity(spec);
      String ns = Json.namespace(service);
      String name = Json.name(service);
      JsonNode endpoints = catalog.endpoints(ns, name).orElse(null);
      for (JsonNode port : spec.path("ports")) {
        String protocol = port.path("protocol").asText("TCP");
        if (!protocol.equals("TCP") && !protocol.equals("UDP")) {
          continue;
        }
        String portName = port.path("name").asText("");
        Rule rule =
            new Rule(
                ns + "/" + name + ":" + (portName.isEmpty() ? port.path("port").asInt() : portName),
                readyEndpoints(endpoints, portName, protocol),
                affinity);
        if (hasClusterIp && port.path("port").asInt(0) > 0) {
          rules.put(new Frontend(protocol, clusterIp, port.path("port").asInt()), rule);
        }
        int nodePort = port.path("nodePort").asInt(0);
        if (nodePort > 0 && !nodeAddress.isEmpty()) {
          rules.put(new Frontend(protocol, nodeAddress, nodePort), rule);
        }
      }
    }
    return rules;
  }

  /**
   * The ready addresses (not notReadyAddresses) of every subset that has a port named {@code
   * portName} with {@code protocol}, at that port, in a stable order.
   */
  static List<InetSocketAddress> readyEndpoints(
      JsonNode endpoints, String portName, String protocol) {
    List<InetSocketAddress> out = new ArrayList<>();
    if (endpoints == null) {
      return out;
    }
    for (JsonNode subset : endpoints.path("subsets")) {
      for (JsonNode port : subset.path("ports")) {
        if (!port.path("name").asText("").equals(portName)
            || !port.path("protocol").asText("TCP").equals(protocol)
            || port.path("port").asInt(0) <= 0) {
          continue;
        }
        for (JsonNode address : subset.path("addresses")) {
          String ip = address.path("ip").asText("");
          if (!ip.isEmpty()) {
            InetSocketAddress endpoint =
                InetSocketAddress.createUnresolved(ip, port.path("port").asInt());
            if (!out.contains(endpoint)) {
              out.add(endpoint);
            }
          }
        }
      }
    }
    out.sort(
        Comparator.comparing(InetSocketAddress::getHostString)
            .thenComparingInt(InetSocketAddress::getPort));
    return out;
  }

  private static Duration affinity(JsonNode spec) {
    if (!spec.path("sessionAffinity").asText("None").equals("ClientIP")) {
      return Duration.ZERO;
    }
    long seconds =
        spec.path("sessionAffinityConfig")
            .path("clientIP")
            .path("timeoutSeconds")
            .asLong(DEFAULT_AFFINITY_TIMEOUT.toSeconds());
    return Duration.ofSeconds(seconds > 0 ? seconds : DEFAULT_AFFINITY_TIMEOUT.toSeconds());
  }
}
