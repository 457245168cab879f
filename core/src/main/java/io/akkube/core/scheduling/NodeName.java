package io.akkube.core.scheduling;

import io.akkube.core.scheduling.model.ClusterSnapshot;
import io.akkube.core.scheduling.model.NodeInfo;
import io.akkube.core.scheduling.model.PodInfo;

/** A pod that names its node ({@code spec.nodeName}) fits only that node. */
public final class NodeName implements FilterPlugin {

  public static final String NAME = "NodeName";
  public static final String ERR_REASON = "node(s) didn't match the requested node name";

  @Override
  public String name() {
    return NAME;
  }

  @Override
  public Status filter(CycleState state, PodInfo pod, NodeInfo node, ClusterSnapshot snapshot) {
    if (pod.nodeName().isEmpty() || pod.nodeName().equals(node.name())) {
      return Status.success();
    }
    return Status.unresolvable(ERR_REASON);
  }
}
