package io.akkube.core.scheduling;

import io.akkube.core.scheduling.model.ClusterSnapshot;
import io.akkube.core.scheduling.model.HostPort;
import io.akkube.core.scheduling.model.NodeInfo;
import io.akkube.core.scheduling.model.PodInfo;

/**
 * Host ports: a node whose pods already bind one of the pod's host ports (same protocol and port,
 * same IP or either side on 0.0.0.0) is rejected.
 */
public final class NodePorts implements FilterPlugin {

  public static final String NAME = "NodePorts";
  public static final String ERR_REASON =
      "node(s) didn't have free ports for the requested pod ports";

  @Override
  public String name() {
    return NAME;
  }

  @Override
  public Status preFilter(CycleState state, PodInfo pod, ClusterSnapshot snapshot) {
    return pod.hostPorts().isEmpty() ? Status.skip() : Status.success();
  }

  @Override
  public Status filter(CycleState state, PodInfo pod, NodeInfo node, ClusterSnapshot snapshot) {
    for (HostPort wanted : pod.hostPorts()) {
      if (wanted.conflictsWithAny(node.usedPorts())) {
        return Status.unschedulable(ERR_REASON);
      }
    }
    return Status.success();
  }
}
