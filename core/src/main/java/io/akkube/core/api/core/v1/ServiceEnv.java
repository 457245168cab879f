package io.akkube.core.api.core.v1;

import com.fasterxml.jackson.databind.JsonNode;
import io.akkube.core.api.Json;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * The service environment variables a container gets, exactly as the kubelet computes them
 * (pkg/kubelet/envvars FromServices and kubelet_pods.go getServiceEnvVarMap): for every service
 * with a cluster IP in the pod's namespace (only when {@code enableServiceLinks} is not false), and
 * always for the master service {@code default/kubernetes}, {@code <SVC>_SERVICE_HOST}, {@code
 * <SVC>_SERVICE_PORT}, one {@code <SVC>_SERVICE_PORT_<NAME>} per named port and the docker-links
 * variables {@code <SVC>_PORT}, {@code <SVC>_PORT_<port>_<PROTO>} with {@code _PROTO}, {@code
 * _PORT} and {@code _ADDR}. A service in the pod's namespace named like a master service wins over
 * it, as in the kubelet. The kubelet adds these after the container's own env, without replacing
 * what the container sets.
 */
public final class ServiceEnv {

  /** The services whose variables every pod gets (kubelet's masterServices). */
  private static final String MASTER_SERVICE = "kubernetes";

  private static final String MASTER_NAMESPACE = "default";

  private ServiceEnv() {}

  /**
   * The variables for a pod in {@code namespace}; {@code services} may hold services of any
   * namespace (those of other namespaces than the pod's and default are ignored).
   */
  public static Map<String, String> forPod(
      String namespace, boolean enableServiceLinks, List<? extends JsonNode> services) {
    Map<String, JsonNode> byName = new TreeMap<>();
    for (JsonNode service : services) {
      if (!hasClusterIp(service)) {
        continue;
      }
      String name = Json.name(service);
      String ns = Json.namespace(service);
      if (ns.equals(MASTER_NAMESPACE) && name.equals(MASTER_SERVICE)) {
        byName.putIfAbsent(name, service);
      } else if (ns.equals(namespace) && enableServiceLinks) {
        byName.put(name, service);
      }
    }
    Map<String, String> env = new LinkedHashMap<>();
    for (JsonNode service : byName.values()) {
      fromService(service).forEach(env::put);
    }
    return env;
  }

  /** A pod's {@code spec.enableServiceLinks}, true unless set to false. */
  public static boolean enableServiceLinks(JsonNode pod) {
    return pod.path("spec").path("enableServiceLinks").asBoolean(true);
  }

  /** IsServiceIPSet: a cluster IP that is neither empty nor "None". */
  static boolean hasClusterIp(JsonNode service) {
    String ip = Trees.text(service.path("spec"), "clusterIP");
    return !ip.isEmpty() && !ip.equals("None");
  }

  private static Map<String, String> fromService(JsonNode service) {
    Map<String, String> env = new LinkedHashMap<>();
    JsonNode spec = service.path("spec");
    List<JsonNode> ports = new ArrayList<>();
    spec.path("ports").forEach(ports::add);
    String prefix = variableName(Json.name(service));
    String clusterIp = Trees.text(spec, "clusterIP");
    env.put(prefix + "_SERVICE_HOST", clusterIp);
    if (ports.isEmpty()) {
      // A headful service always has ports (validation); the kubelet would not get this far.
      return env;
    }
    String portVar = prefix + "_SERVICE_PORT";
    env.put(portVar, Long.toString(ports.get(0).path("port").asLong()));
    for (JsonNode port : ports) {
      String name = Trees.text(port, "name");
      if (!name.isEmpty()) {
        env.put(portVar + "_" + variableName(name), Long.toString(port.path("port").asLong()));
      }
    }
    for (int i = 0; i < ports.size(); i++) {
      JsonNode port = ports.get(i);
      String protocol = Trees.text(port, "protocol");
      if (protocol.isEmpty()) {
        protocol = "TCP";
      }
      long number = port.path("port").asLong();
      String scheme = protocol.toLowerCase(Locale.ROOT);
      String url = scheme + "://" + joinHostPort(clusterIp, number);
      if (i == 0) {
        env.put(prefix + "_PORT", url);
      }
      String portPrefix = prefix + "_PORT_" + number + "_" + protocol.toUpperCase(Locale.ROOT);
      env.put(portPrefix, url);
      env.put(portPrefix + "_PROTO", scheme);
      env.put(portPrefix + "_PORT", Long.toString(number));
      env.put(portPrefix + "_ADDR", clusterIp);
    }
    return env;
  }

  /** makeEnvVariableName: upper case, dashes to underscores. */
  static String variableName(String name) {
    return name.replace('-', '_').toUpperCase(Locale.ROOT);
  }

  /** net.JoinHostPort: IPv6 addresses in brackets. */
  private static String joinHostPort(String host, long port) {
    return (host.contains(":") ? "[" + host + "]" : host) + ":" + port;
  }
}
