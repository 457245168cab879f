package io.akkube.core.scheduling.model;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.akkube.core.api.Json;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * What kube-scheduler reads of a pod, parsed once from the object tree: identity, placement
 * constraints, and the resource requests as the scheduler computes them.
 *
 * <p>{@code requests} follows resourcehelper.PodRequests: the sum over containers; each init
 * container raises that to at least its own request plus the restartable (sidecar) init containers
 * started before it; sidecars also add to the sum; the pod overhead is added last. {@code
 * nonZeroMilliCpu} and {@code nonZeroMemory} are the same with 100m cpu and 200Mi memory counted
 * for each container that requests none (the figures the scoring plugins use).
 *
 * @param requiredNodeAffinity the terms of requiredDuringSchedulingIgnoredDuringExecution, empty
 *     when the pod has no required node affinity at all
 * @param hostPorts the host ports of the pod's containers; a pod run by the process runtime also
 *     claims its container ports on the host
 */
public record PodInfo(
    String name,
    String namespace,
    String uid,
    Map<String, String> labels,
    String nodeName,
    String nominatedNodeName,
    int priority,
    String preemptionPolicy,
    String schedulerName,
    boolean terminating,
    Map<String, String> nodeSelector,
    Optional<List<NodeSelectorTerm>> requiredNodeAffinity,
    List<PreferredSchedulingTerm> preferredNodeAffinity,
    List<PodAffinityTerm> requiredAffinityTerms,
    List<WeightedPodAffinityTerm> preferredAffinityTerms,
    List<PodAffinityTerm> requiredAntiAffinityTerms,
    List<WeightedPodAffinityTerm> preferredAntiAffinityTerms,
    List<Toleration> tolerations,
    List<TopologySpreadConstraint> topologySpreadConstraints,
    Resources requests,
    long nonZeroMilliCpu,
    long nonZeroMemory,
    List<HostPort> hostPorts) {

  /** schedutil.DefaultMilliCPURequest. */
  public static final long DEFAULT_MILLI_CPU_REQUEST = 100;

  /** schedutil.DefaultMemoryRequest: 200Mi. */
  public static final long DEFAULT_MEMORY_REQUEST = 200L * 1024 * 1024;

  public PodInfo {
    labels = Map.copyOf(labels);
    nodeSelector = Map.copyOf(nodeSelector);
    requiredNodeAffinity = requiredNodeAffinity.map(List::copyOf);
    preferredNodeAffinity = List.copyOf(preferredNodeAffinity);
    requiredAffinityTerms = List.copyOf(requiredAffinityTerms);
    preferredAffinityTerms = List.copyOf(preferredAffinityTerms);
    requiredAntiAffinityTerms = List.copyOf(requiredAntiAffinityTerms);
    preferredAntiAffinityTerms = List.copyOf(preferredAntiAffinityTerms);
    tolerations = List.copyOf(tolerations);
    topologySpreadConstraints = List.copyOf(topologySpreadConstraints);
    hostPorts = List.copyOf(hostPorts);
  }

  /** A pod as the container runtime runs it: only declared host ports bind on the host. */
  public static PodInfo of(ObjectNode pod) {
    return of(pod, false);
  }

  /**
   * @param containerPortsAreHostPorts true for pods run as host processes (the process runtime),
   *     where every container port is bound on the host even without a hostPort
   */
  public static PodInfo of(ObjectNode pod, boolean containerPortsAreHostPorts) {
    JsonNode meta = pod.path("metadata");
    JsonNode spec = pod.path("spec");
    String namespace = Json.text(meta, "namespace");
    Map<String, String> labels = Json.labels(pod);
    JsonNode affinity = spec.path("affinity");
    JsonNode nodeAffinity = affinity.path("nodeAffinity");
    JsonNode required = nodeAffinity.get("requiredDuringSchedulingIgnoredDuringExecution");
    Optional<List<NodeSelectorTerm>> requiredTerms =
        required == null || required.isNull()
            ? Optional.empty()
            : Optional.of(NodeSelectorTerm.listFromJson(required.get("nodeSelectorTerms")));
    JsonNode podAffinity = affinity.path("podAffinity");
    JsonNode podAntiAffinity = affinity.path("podAntiAffinity");
    Map<String, String> nodeSelector = new LinkedHashMap<>();
    spec.path("nodeSelector")
        .fields()
        .forEachRemaining(e -> nodeSelector.put(e.getKey(), e.getValue().asText()));
    Map<String, BigDecimal> nonZero = podRequests(spec, true);
    JsonNode deletion = meta.get("deletionTimestamp");
    return new PodInfo(
        Json.text(meta, "name"),
        namespace,
        Json.text(meta, "uid"),
        labels,
        Json.text(spec, "nodeName"),
        Json.text(pod.path("status"), "nominatedNodeName"),
        spec.path("priority").asInt(0),
        spec.path("preemptionPolicy").asText("PreemptLowerPriority"),
        spec.path("schedulerName").asText("default-scheduler"),
        deletion != null && !deletion.isNull(),
        nodeSelector,
        requiredTerms,
        PreferredSchedulingTerm.listFromJson(
            nodeAffinity.get("preferredDuringSchedulingIgnoredDuringExecution")),
        PodAffinityTerm.listFromJson(
            podAffinity.get("requiredDuringSchedulingIgnoredDuringExecution"), namespace),
        WeightedPodAffinityTerm.listFromJson(
            podAffinity.get("preferredDuringSchedulingIgnoredDuringExecution"), namespace),
        PodAffinityTerm.listFromJson(
            podAntiAffinity.get("requiredDuringSchedulingIgnoredDuringExecution"), namespace),
        WeightedPodAffinityTerm.listFromJson(
            podAntiAffinity.get("preferredDuringSchedulingIgnoredDuringExecution"), namespace),
        Toleration.listFromJson(spec.get("tolerations")),
        TopologySpreadConstraint.listFromJson(spec.get("topologySpreadConstraints"), labels),
        Resources.fromAmounts(podRequests(spec, false)),
        Resources.fromAmounts(nonZero).milliCpu(),
        Resources.fromAmounts(nonZero).memory(),
        hostPorts(spec, containerPortsAreHostPorts));
  }

  /**
   * resourcehelper.PodRequests (without pod-level resources). With {@code nonMissing}, a container
   * that requests no cpu or no memory counts the scheduler's defaults for it.
   */
  private static Map<String, BigDecimal> podRequests(JsonNode spec, boolean nonMissing) {
    Map<String, BigDecimal> sum = new TreeMap<>();
    for (JsonNode c : spec.path("containers")) {
      add(sum, containerRequests(c, nonMissing));
    }
    Map<String, BigDecimal> sidecars = new TreeMap<>();
    Map<String, BigDecimal> initMax = new TreeMap<>();
    for (JsonNode c : spec.path("initContainers")) {
      Map<String, BigDecimal> own = containerRequests(c, nonMissing);
      Map<String, BigDecimal> whileRunning;
      if ("Always".equals(Json.text(c, "restartPolicy"))) {
        // A sidecar keeps running next to the app containers and every later init container.
        add(sum, own);
        add(sidecars, own);
        whileRunning = new TreeMap<>(sidecars);
      } else {
        whileRunning = new TreeMap<>(own);
        add(whileRunning, sidecars);
      }
      max(initMax, whileRunning);
    }
    max(sum, initMax);
    add(sum, Resources.amounts(spec.get("overhead")));
    return sum;
  }

  private static Map<String, BigDecimal> containerRequests(JsonNode c, boolean nonMissing) {
    Map<String, BigDecimal> requests = Resources.amounts(c.path("resources").get("requests"));
    if (nonMissing) {
      requests.putIfAbsent(Resources.CPU, BigDecimal.valueOf(DEFAULT_MILLI_CPU_REQUEST, 3));
      requests.putIfAbsent(Resources.MEMORY, BigDecimal.valueOf(DEFAULT_MEMORY_REQUEST));
    }
    return requests;
  }

  private static void add(Map<String, BigDecimal> into, Map<String, BigDecimal> more) {
    more.forEach((k, v) -> into.merge(k, v, BigDecimal::add));
  }

  private static void max(Map<String, BigDecimal> into, Map<String, BigDecimal> other) {
    other.forEach((k, v) -> into.merge(k, v, BigDecimal::max));
  }

  private static List<HostPort> hostPorts(JsonNode spec, boolean containerPortsAreHostPorts) {
    List<HostPort> out = new ArrayList<>();
    for (JsonNode c : spec.path("containers")) {
      for (JsonNode p : c.path("ports")) {
        int port = p.path("hostPort").asInt(0);
        if (port <= 0 && containerPortsAreHostPorts) {
          port = p.path("containerPort").asInt(0);
        }
        if (port > 0) {
          out.add(new HostPort(Json.text(p, "hostIP"), Json.text(p, "protocol"), port));
        }
      }
    }
    return out;
  }

  /** {@code namespace/name}, as kube-scheduler names a pod in messages. */
  public String key() {
    return namespace + "/" + name;
  }

  public boolean hasRequiredAffinity() {
    return !requiredAffinityTerms.isEmpty() || !requiredAntiAffinityTerms.isEmpty();
  }

  /** Whether the pod has any pod affinity or anti-affinity (framework's PodsWithAffinity). */
  public boolean hasAnyPodAffinity() {
    return hasRequiredAffinity()
        || !preferredAffinityTerms.isEmpty()
        || !preferredAntiAffinityTerms.isEmpty();
  }

  /**
   * nodeaffinity.GetRequiredNodeAffinity(pod).Match: the node has every nodeSelector label and,
   * when the pod has required node affinity, matches one of its terms.
   */
  public boolean requiredNodeAffinityMatches(NodeInfo node) {
    for (Map.Entry<String, String> e : nodeSelector.entrySet()) {
      if (!e.getValue().equals(node.labels().get(e.getKey()))) {
        return false;
      }
    }
    return requiredNodeAffinity
        .map(terms -> NodeSelectorTerm.anyMatches(terms, node.name(), node.labels()))
        .orElse(true);
  }
}
