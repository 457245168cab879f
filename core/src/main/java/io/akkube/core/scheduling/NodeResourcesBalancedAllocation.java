package io.akkube.core.scheduling;

import io.akkube.core.scheduling.model.ClusterSnapshot;
import io.akkube.core.scheduling.model.NodeInfo;
import io.akkube.core.scheduling.model.PodInfo;

/**
 * Favours nodes whose cpu and memory would be used in similar proportions with the pod on them,
 * counting actual requests (no defaults for containers that request nothing).
 */
public final class NodeResourcesBalancedAllocation implements ScorePlugin {

  public static final String NAME = "NodeResourcesBalancedAllocation";

  @Override
  public String name() {
    return NAME;
  }

  @Override
  public long score(CycleState state, PodInfo pod, NodeInfo node, ClusterSnapshot snapshot) {
    long[][] ar =
        ResourceAllocation.allocatableAndRequested(
            pod, node, ResourceAllocation.DEFAULT_RESOURCES, true);
    return ResourceAllocation.balanced(ar[0], ar[1]);
  }
}
