package io.akkube.node.proxy;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.akkube.core.api.Json;
import java.util.List;
import java.util.Map;

/** Service and Endpoints trees for the proxy and DNS tests. */
public final class Services {

  private Services() {}

  /** A service in {@code ns}; ports as "name:port:protocol[:nodePort]". */
  public static ObjectNode service(String ns, String name, String clusterIp, String... ports) {
    ObjectNode svc = Json.MAPPER.createObjectNode();
    svc.put("apiVersion", "v1").put("kind", "Service");
    svc.putObject("metadata").put("namespace", ns).put("name", name);
    ObjectNode spec = svc.putObject("spec");
    spec.put("clusterIP", clusterIp);
    ArrayNode array = spec.putArray("ports");
    for (String p : ports) {
      String[] f = p.split(":");
      ObjectNode port = array.addObject();
      if (!f[0].isEmpty()) {
        port.put("name", f[0]);
      }
      port.put("port", Integer.parseInt(f[1])).put("protocol", f[2]);
      if (f.length > 3) {
        port.put("nodePort", Integer.parseInt(f[3]));
        spec.put("type", "NodePort");
      }
    }
    return svc;
  }

  /** One subset: ready addresses "ip" or "ip=hostname", ports "name:port:protocol". */
  public static ObjectNode endpoints(
      String ns, String name, List<String> ready, List<String> notReady, String... ports) {
    ObjectNode ep = Json.MAPPER.createObjectNode();
    ep.put("apiVersion", "v1").put("kind", "Endpoints");
    ep.putObject("metadata").put("namespace", ns).put("name", name);
    ObjectNode subset = ep.putArray("subsets").addObject();
    ArrayNode addresses = subset.putArray("addresses");
    for (String a : ready) {
      String[] f = a.split("=");
      ObjectNode address = addresses.addObject().put("ip", f[0]);
      if (f.length > 1) {
        address.put("hostname", f[1]);
      }
    }
    ArrayNode unready = subset.putArray("notReadyAddresses");
    notReady.forEach(ip -> unready.addObject().put("ip", ip));
    ArrayNode array = subset.putArray("ports");
    for (String p : ports) {
      String[] f = p.split(":");
      ObjectNode port = array.addObject();
      if (!f[0].isEmpty()) {
        port.put("name", f[0]);
      }
      port.put("port", Integer.parseInt(f[1])).put("protocol", f[2]);
    }
    return ep;
  }

  public static ServiceCatalog catalog(List<ObjectNode> services, List<ObjectNode> endpoints) {
    Map<String, ObjectNode> s = new java.util.HashMap<>();
    services.forEach(o -> s.put(ServiceCatalog.key(Json.namespace(o), Json.name(o)), o));
    Map<String, ObjectNode> e = new java.util.HashMap<>();
    endpoints.forEach(o -> e.put(ServiceCatalog.key(Json.namespace(o), Json.name(o)), o));
    return new ServiceCatalog(s, e);
  }
}
