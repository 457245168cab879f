package io.akkube.core.scheduling;

import io.akkube.core.scheduling.model.ClusterSnapshot;
import io.akkube.core.scheduling.model.NodeInfo;
import io.akkube.core.scheduling.model.PodInfo;
import io.akkube.core.scheduling.model.Resources;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Resource fit: the node must have room for one more pod and for the pod's requests (cpu, memory,
 * ephemeral storage, extended resources) on top of what its pods already request. Scores with the
 * default LeastAllocated strategy: the more cpu and memory left free, the higher.
 */
public final class NodeResourcesFit implements FilterPlugin, ScorePlugin {

  public static final String NAME = "NodeResourcesFit";
  public static final String TOO_MANY_PODS = "Too many pods";

  private final List<ResourceAllocation.ResourceSpec> scoringResources;

  public NodeResourcesFit() {
    this.scoringResources = ResourceAllocation.DEFAULT_RESOURCES;
  }

  @Override
  public String name() {
    return NAME;
  }

  @Override
  public Status filter(CycleState state, PodInfo pod, NodeInfo node, ClusterSnapshot snapshot) {
    List<String> reasons = insufficientResources(pod.requests(), node);
    return reasons.isEmpty()
        ? Status.success()
        : Status.unschedulable(reasons.toArray(String[]::new));
  }

  /** fitsRequest: every reason the node cannot take the pod, in kube-scheduler's order. */
  public static List<String> insufficientResources(Resources request, NodeInfo node) {
    List<String> reasons = new ArrayList<>();
    if (node.pods().size() + 1 > node.allocatable().allowedPodNumber()) {
      reasons.add(TOO_MANY_PODS);
    }
    Resources free = node.allocatable().minus(node.requested());
    if (request.milliCpu() > 0 && request.milliCpu() > free.milliCpu()) {
      reasons.add("Insufficient cpu");
    }
    if (request.memory() > 0 && request.memory() > free.memory()) {
      reasons.add("Insufficient memory");
    }
    if (request.ephemeralStorage() > 0 && request.ephemeralStorage() > free.ephemeralStorage()) {
      reasons.add("Insufficient ephemeral-storage");
    }
    for (Map.Entry<String, Long> e : request.scalar().entrySet()) {
      if (e.getValue() > 0 && e.getValue() > free.get(e.getKey())) {
        reasons.add("Insufficient " + e.getKey());
      }
    }
    return reasons;
  }

  @Override
  public long score(CycleState state, PodInfo pod, NodeInfo node, ClusterSnapshot snapshot) {
    long[][] ar = ResourceAllocation.allocatableAndRequested(pod, node, scoringResources, false);
    return ResourceAllocation.leastAllocated(ar[0], ar[1], scoringResources);
  }
}
