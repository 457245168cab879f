package io.akkube.core.scheduling;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.akkube.core.api.Json;
import io.akkube.core.scheduling.model.ClusterSnapshot;
import io.akkube.core.scheduling.model.NodeInfo;
import io.akkube.core.scheduling.model.PodInfo;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.List;
import java.util.Map;

/** Pods and nodes for scheduling tests, written as the YAML a user would apply. */
final class Fixtures {

  private Fixtures() {}

  static ObjectNode yaml(String text) {
    try {
      return (ObjectNode) Json.YAML.readTree(text);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static PodInfo pod(String yaml) {
    return PodInfo.of(yaml(yaml));
  }

  static NodeInfo node(String yaml) {
    return NodeInfo.of(yaml(yaml));
  }

  /** A pod named {@code name} in default with the given cpu and memory requests. */
  static PodInfo requesting(String name, String cpu, String memory) {
    return pod(
        """
        metadata: {name: %s, namespace: default, uid: %s}
        spec:
          containers:
          - name: c
            resources: {requests: {cpu: "%s", memory: "%s"}}
        """
            .formatted(name, name, cpu, memory));
  }

  /** A node with the given allocatable cpu, memory and pod count, labelled with its hostname. */
  static NodeInfo sized(String name, String cpu, String memory, int pods) {
    return node(
        """
        metadata:
          name: %s
          labels: {kubernetes.io/hostname: %s}
        status:
          allocatable: {cpu: "%s", memory: "%s", pods: "%d"}
        """
            .formatted(name, name, cpu, memory, pods));
  }

  static ClusterSnapshot snapshot(NodeInfo... nodes) {
    return new ClusterSnapshot(List.of(nodes), Map.of());
  }

  /** Runs a plugin's preFilter (if it does not skip) and then its filter on one node. */
  static Status filter(FilterPlugin plugin, PodInfo pod, NodeInfo node, ClusterSnapshot snap) {
    CycleState state = new CycleState();
    Status pre = plugin.preFilter(state, pod, snap);
    if (pre.isSkip()) {
      return Status.success();
    }
    if (!pre.isSuccess()) {
      return pre;
    }
    return plugin.filter(state, pod, node, snap);
  }

  static Status filter(FilterPlugin plugin, PodInfo pod, NodeInfo node) {
    return filter(plugin, pod, node, snapshot(node));
  }

  /** PreScore, Score and NormalizeScore of one plugin over the nodes of the snapshot. */
  static long[] scores(ScorePlugin plugin, PodInfo pod, ClusterSnapshot snap) {
    CycleState state = new CycleState();
    List<NodeInfo> nodes = snap.nodes();
    if (plugin.preScore(state, pod, nodes, snap).isSkip()) {
      return new long[nodes.size()];
    }
    long[] raw = new long[nodes.size()];
    for (int i = 0; i < raw.length; i++) {
      raw[i] = plugin.score(state, pod, nodes.get(i), snap);
    }
    return plugin.normalize(state, pod, nodes, raw);
  }
}
