package io.akkube.core.scheduling.model;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The cluster state one scheduling cycle sees (kube-scheduler's snapshot): every node with its
 * pods, in a fixed order, and the labels of every namespace (for namespace selectors of pod
 * affinity terms).
 */
public record ClusterSnapshot(
    List<NodeInfo> nodes, Map<String, Map<String, String>> namespaceLabels) {

  public ClusterSnapshot {
    nodes = List.copyOf(nodes);
    Map<String, Map<String, String>> ns = new HashMap<>();
    namespaceLabels.forEach((k, v) -> ns.put(k, Map.copyOf(v)));
    namespaceLabels = Map.copyOf(ns);
  }

  public static ClusterSnapshot of(List<NodeInfo> nodes) {
    return new ClusterSnapshot(nodes, Map.of());
  }

  /**
   * A snapshot from nodes and pods: pods are placed on the node their {@code nodeName} names; pods
   * of unknown nodes, unassigned pods, and pods that have finished (kube-scheduler's informer drops
   * Succeeded and Failed pods, the caller must leave them out) are not counted.
   */
  public static ClusterSnapshot of(
      List<NodeInfo> nodes, List<PodInfo> assignedPods, Map<String, Map<String, String>> nsLabels) {
    Map<String, NodeInfo> byName = new LinkedHashMap<>();
    nodes.forEach(n -> byName.put(n.name(), n));
    for (PodInfo p : assignedPods) {
      NodeInfo n = byName.get(p.nodeName());
      if (n != null) {
        byName.put(n.name(), n.withPod(p));
      }
    }
    return new ClusterSnapshot(new ArrayList<>(byName.values()), nsLabels);
  }

  public Optional<NodeInfo> node(String name) {
    for (NodeInfo n : nodes) {
      if (n.name().equals(name)) {
        return Optional.of(n);
      }
    }
    return Optional.empty();
  }

  /** The same snapshot with one node replaced by name (an assumed pod, a dry-run eviction). */
  public ClusterSnapshot withNode(NodeInfo replacement) {
    List<NodeInfo> out = new ArrayList<>(nodes.size());
    for (NodeInfo n : nodes) {
      out.add(n.name().equals(replacement.name()) ? replacement : n);
    }
    return new ClusterSnapshot(out, namespaceLabels);
  }

  public Map<String, String> namespaceLabels(String namespace) {
    return namespaceLabels.getOrDefault(namespace, Map.of());
  }
}
