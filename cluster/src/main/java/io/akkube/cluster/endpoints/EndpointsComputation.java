package io.akkube.cluster.endpoints;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.akkube.core.api.Json;
import io.akkube.core.controller.PodReadiness;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The Endpoints and the EndpointSlice a service with a selector should have, given the pods of its
 * namespace: the endpoints controller's syncService and the endpointslice controller's reconcile,
 * as pure functions. Pods the selector matches and that have an IP are endpoints: ready ones in
 * {@code subsets[].addresses}, not-ready ones in {@code notReadyAddresses}, terminating ones (with
 * a deletionTimestamp) left out of Endpoints at once; the slice keeps them with {@code terminating:
 * true} (as Kubernetes since 1.26), so a proxy can drain. Ports come from each service port's
 * targetPort: a number, or the name of a container port of the pod (a pod without that port is no
 * endpoint for it). Finished pods (Succeeded, or Failed with restartPolicy Never) are no endpoints.
 */
public final class EndpointsComputation {

  public static final String SERVICE_NAME_LABEL = "kubernetes.io/service-name";
  public static final String MANAGED_BY_LABEL = "endpointslice.kubernetes.io/managed-by";
  public static final String MANAGED_BY = "endpointslice-controller.k8s.io";
  public static final String HEADLESS_LABEL = "service.kubernetes.io/headless";

  private EndpointsComputation() {}

  /**
   * Whether the controllers manage endpoints for this service: it has a selector and is no
   * ExternalName service (those get no endpoints, kubernetes/kubernetes#105986).
   */
  public static boolean managed(JsonNode service) {
    JsonNode selector = service.path("spec").path("selector");
    return selector.isObject()
        && selector.size() > 0
        && !service.path("spec").path("type").asText("").equals("ExternalName");
  }

  public static boolean selects(JsonNode service, JsonNode pod) {
    if (!managed(service) || !Json.namespace(service).equals(Json.namespace(pod))) {
      return false;
    }
    JsonNode labels = pod.path("metadata").path("labels");
    for (Iterator<Map.Entry<String, JsonNode>> it = service.path("spec").path("selector").fields();
        it.hasNext(); ) {
      Map.Entry<String, JsonNode> e = it.next();
      if (!e.getValue().asText().equals(labels.path(e.getKey()).asText(null))) {
        return false;
      }
    }
    return true;
  }

  /** One pod as an endpoint: its address, readiness and resolved ports (in service order). */
  record Endpoint(
      String ip,
      String nodeName,
      String podName,
      String podUid,
      boolean ready,
      boolean terminating,
      List<ObjectNode> ports) {}

  /** The endpoints of {@code service} among {@code pods} (any namespace), sorted by IP. */
  static List<Endpoint> endpoints(JsonNode service, List<? extends JsonNode> pods) {
    List<Endpoint> out = new ArrayList<>();
    for (JsonNode pod : pods) {
      if (!selects(service, pod)) {
        continue;
      }
      String ip = pod.path("status").path("podIP").asText("");
      if (ip.isEmpty() || finished(pod)) {
        continue;
      }
      List<ObjectNode> ports = new ArrayList<>();
      for (JsonNode servicePort : service.path("spec").path("ports")) {
        findPort(pod, servicePort)
            .ifPresent(number -> ports.add(endpointPort(servicePort, number)));
      }
      if (ports.isEmpty() && service.path("spec").path("ports").size() > 0) {
        continue;
      }
      out.add(
          new Endpoint(
              ip,
              pod.path("spec").path("nodeName").asText(""),
              Json.name(pod),
              Json.metaText(pod, "uid"),
              PodReadiness.isReady(pod),
              pod.path("metadata").has("deletionTimestamp"),
              ports));
    }
    out.sort(Comparator.comparing(Endpoint::ip).thenComparing(Endpoint::podName));
    return out;
  }

  /**
   * The Endpoints object for {@code service}: its name and labels (plus the headless label), and
   * subsets grouping endpoints with the same ports (RepackSubsets).
   */
  public static ObjectNode endpointsObject(JsonNode service, List<? extends JsonNode> pods) {
    ObjectNode ep = Json.MAPPER.createObjectNode();
    ep.put("apiVersion", "v1");
    ep.put("kind", "Endpoints");
    ObjectNode meta = ep.putObject("metadata");
    meta.put("name", Json.name(service));
    meta.put("namespace", Json.namespace(service));
    ObjectNode labels = serviceLabels(service);
    if (service.path("spec").path("clusterIP").asText("").equals("None")) {
      labels.put(HEADLESS_LABEL, "");
    }
    if (labels.size() > 0) {
      meta.set("labels", labels);
    }
    Map<String, ObjectNode> subsets = new LinkedHashMap<>();
    for (Endpoint e : endpoints(service, pods)) {
      if (e.terminating()) {
        continue;
      }
      ArrayNode ports = Json.MAPPER.createArrayNode();
      e.ports().stream()
          .sorted(
              Comparator.comparing((ObjectNode p) -> p.path("name").asText())
                  .thenComparing(p -> p.path("port").asInt()))
          .map(
              p -> {
                // EndpointPort.name is omitempty in Endpoints (a pointer, always set, in slices).
                ObjectNode copy = p.deepCopy();
                if (copy.path("name").asText().isEmpty()) {
                  copy.remove("name");
                }
                return copy;
              })
          .forEach(ports::add);
      ObjectNode subset =
          subsets.computeIfAbsent(
              ports.toString(),
              k -> {
                ObjectNode s = Json.MAPPER.createObjectNode();
                if (ports.size() > 0) {
                  s.set("ports", ports);
                }
                return s;
              });
      ObjectNode address =
          subset.withArray(e.ready() ? "addresses" : "notReadyAddresses").addObject();
      address.put("ip", e.ip());
      if (!e.nodeName().isEmpty()) {
        address.put("nodeName", e.nodeName());
      }
      ObjectNode ref = address.putObject("targetRef");
      ref.put("kind", "Pod");
      ref.put("namespace", Json.namespace(service));
      ref.put("name", e.podName());
      ref.put("uid", e.podUid());
    }
    if (!subsets.isEmpty()) {
      ArrayNode array = ep.putArray("subsets");
      subsets.values().forEach(s -> array.add(reorder(s)));
    }
    return ep;
  }

  /** addresses, notReadyAddresses, ports: the order Kubernetes serialises a subset in. */
  private static ObjectNode reorder(ObjectNode subset) {
    ObjectNode out = Json.MAPPER.createObjectNode();
    for (String field : List.of("addresses", "notReadyAddresses", "ports")) {
      if (subset.has(field)) {
        out.set(field, subset.get(field));
      }
    }
    return out;
  }

  /**
   * The EndpointSlice for {@code service} (named {@code name}), owned by the service. Its ports are
   * those of its first endpoint; endpoints whose ports differ are left out (one slice per service).
   */
  public static ObjectNode endpointSlice(
      JsonNode service, List<? extends JsonNode> pods, String name) {
    ObjectNode slice = Json.MAPPER.createObjectNode();
    slice.put("apiVersion", "discovery.k8s.io/v1");
    slice.put("kind", "EndpointSlice");
    ObjectNode meta = slice.putObject("metadata");
    meta.put("name", name);
    meta.put("namespace", Json.namespace(service));
    ObjectNode labels = serviceLabels(service);
    labels.put(SERVICE_NAME_LABEL, Json.name(service));
    labels.put(MANAGED_BY_LABEL, MANAGED_BY);
    if (service.path("spec").path("clusterIP").asText("").equals("None")) {
      labels.put(HEADLESS_LABEL, "");
    }
    meta.set("labels", labels);
    ObjectNode owner = meta.putArray("ownerReferences").addObject();
    owner.put("apiVersion", "v1");
    owner.put("kind", "Service");
    owner.put("name", Json.name(service));
    owner.put("uid", Json.metaText(service, "uid"));
    owner.put("controller", true);
    owner.put("blockOwnerDeletion", true);
    slice.put("addressType", "IPv4");
    List<Endpoint> endpoints = endpoints(service, pods);
    ArrayNode endpointArray = slice.putArray("endpoints");
    List<ObjectNode> ports = endpoints.isEmpty() ? List.of() : endpoints.get(0).ports();
    for (Endpoint e : endpoints) {
      if (!e.ports().equals(ports) || e.ip().contains(":")) {
        continue;
      }
      ObjectNode node = endpointArray.addObject();
      node.putArray("addresses").add(e.ip());
      ObjectNode conditions = node.putObject("conditions");
      conditions.put("ready", e.ready() && !e.terminating());
      conditions.put("serving", e.ready());
      conditions.put("terminating", e.terminating());
      if (!e.nodeName().isEmpty()) {
        node.put("nodeName", e.nodeName());
      }
      ObjectNode ref = node.putObject("targetRef");
      ref.put("kind", "Pod");
      ref.put("namespace", Json.namespace(service));
      ref.put("name", e.podName());
      ref.put("uid", e.podUid());
    }
    // Without endpoints, a placeholder slice without ports (as the endpointslice reconciler).
    ArrayNode portArray = slice.putArray("ports");
    ports.forEach(p -> portArray.add(p.deepCopy()));
    return slice;
  }

  private static ObjectNode serviceLabels(JsonNode service) {
    JsonNode labels = service.path("metadata").path("labels");
    return labels.isObject() ? ((ObjectNode) labels).deepCopy() : Json.MAPPER.createObjectNode();
  }

  private static ObjectNode endpointPort(JsonNode servicePort, int number) {
    ObjectNode port = Json.MAPPER.createObjectNode();
    port.put("name", servicePort.path("name").asText(""));
    port.put("port", number);
    port.put("protocol", servicePort.path("protocol").asText("TCP"));
    if (servicePort.has("appProtocol")) {
      port.set("appProtocol", servicePort.get("appProtocol"));
    }
    return port;
  }

  /** podutil.FindPort: a number as given; a name looked up among the containers' ports. */
  static Optional<Integer> findPort(JsonNode pod, JsonNode servicePort) {
    JsonNode target = servicePort.path("targetPort");
    if (target.isNumber()) {
      return Optional.of(target.asInt());
    }
    String name = target.asText("");
    if (name.isEmpty()) {
      return Optional.of(servicePort.path("port").asInt());
    }
    String protocol = servicePort.path("protocol").asText("TCP");
    for (JsonNode container : pod.path("spec").path("containers")) {
      for (JsonNode port : container.path("ports")) {
        if (name.equals(port.path("name").asText())
            && protocol.equals(port.path("protocol").asText("TCP"))) {
          return Optional.of(port.path("containerPort").asInt());
        }
      }
    }
    return Optional.empty();
  }

  /** Not ShouldPodBeInEndpoints: a pod that has finished for good. */
  private static boolean finished(JsonNode pod) {
    String phase = PodReadiness.phase(pod);
    String restart = pod.path("spec").path("restartPolicy").asText("Always");
    return switch (restart) {
      case "Never" -> phase.equals("Failed") || phase.equals("Succeeded");
      case "OnFailure" -> phase.equals("Succeeded");
      default -> false;
    };
  }
}
