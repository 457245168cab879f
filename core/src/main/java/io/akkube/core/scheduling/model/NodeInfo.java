package io.akkube.core.scheduling.model;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.akkube.core.api.Json;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * A node as kube-scheduler's framework.NodeInfo sees it: labels, taints, cordon flag, allocatable
 * resources, and the pods assigned to it (bound or assumed) with their summed requests and host
 * ports. Immutable: {@link #withPod} and {@link #withoutPod} return a new NodeInfo.
 *
 * @param nonZeroRequested the summed requests where a pod's container without a cpu or memory
 *     request counts the scheduler's defaults (cpu and memory only)
 */
public record NodeInfo(
    String name,
    Map<String, String> labels,
    List<Taint> taints,
    boolean unschedulable,
    Resources allocatable,
    List<PodInfo> pods,
    Resources requested,
    Resources nonZeroRequested,
    List<HostPort> usedPorts,
    List<PodInfo> podsWithAffinity,
    List<PodInfo> podsWithRequiredAntiAffinity) {

  /**
   * {@code podsWithAffinity} and {@code podsWithRequiredAntiAffinity} are derived from {@code pods}
   * (whatever is passed): kube-scheduler's NodeInfo keeps the same lists, so that the inter-pod
   * affinity plugin of a pod without affinity terms looks at the few pods that have some rather
   * than at every pod of the cluster in every cycle.
   */
  public NodeInfo {
    labels = Map.copyOf(labels);
    taints = List.copyOf(taints);
    pods = List.copyOf(pods);
    usedPorts = List.copyOf(usedPorts);
    podsWithAffinity = pods.stream().filter(PodInfo::hasAnyPodAffinity).toList();
    podsWithRequiredAntiAffinity =
        pods.stream().filter(p -> !p.requiredAntiAffinityTerms().isEmpty()).toList();
  }

  /** A node with no pods yet, from its object tree ({@code status.allocatable} is what counts). */
  public static NodeInfo of(ObjectNode node) {
    JsonNode spec = node.path("spec");
    return empty(
        Json.name(node),
        Json.labels(node),
        Taint.listFromJson(spec.get("taints")),
        spec.path("unschedulable").asBoolean(false),
        Resources.fromResourceList(node.path("status").get("allocatable")));
  }

  public static NodeInfo empty(
      String name,
      Map<String, String> labels,
      List<Taint> taints,
      boolean unschedulable,
      Resources allocatable) {
    return new NodeInfo(
        name,
        labels,
        taints,
        unschedulable,
        allocatable,
        List.of(),
        Resources.NONE,
        Resources.NONE,
        List.of(),
        List.of(),
        List.of());
  }

  /** The node with the pod added (a bound pod, or one the scheduler assumes there). */
  public NodeInfo withPod(PodInfo pod) {
    List<PodInfo> more = new ArrayList<>(pods);
    more.add(pod);
    List<HostPort> ports = new ArrayList<>(usedPorts);
    ports.addAll(pod.hostPorts());
    return new NodeInfo(
        name,
        labels,
        taints,
        unschedulable,
        allocatable,
        more,
        requested.plus(pod.requests()),
        nonZeroRequested.plus(nonZero(pod)),
        ports,
        List.of(),
        List.of());
  }

  /** The node without the pod of that uid; itself if no such pod is there. */
  public NodeInfo withoutPod(String uid) {
    NodeInfo out = empty(name, labels, taints, unschedulable, allocatable);
    boolean found = false;
    for (PodInfo p : pods) {
      if (!found && p.uid().equals(uid)) {
        found = true;
      } else {
        out = out.withPod(p);
      }
    }
    return found ? out : this;
  }

  /** The node with the same pods and different node fields (labels, taints, allocatable...). */
  public NodeInfo withNode(ObjectNode node) {
    NodeInfo out = of(node);
    for (PodInfo p : pods) {
      out = out.withPod(p);
    }
    return out;
  }

  private static Resources nonZero(PodInfo pod) {
    return new Resources(pod.nonZeroMilliCpu(), pod.nonZeroMemory(), 0, 0, Map.of());
  }
}
