package io.akkube.core.scheduling;

import io.akkube.core.scheduling.model.ClusterSnapshot;
import io.akkube.core.scheduling.model.NodeInfo;
import io.akkube.core.scheduling.model.PodInfo;
import java.util.Optional;
import java.util.Set;

/**
 * A filter plugin (kube-scheduler's PreFilter + Filter extension points): whether a pod fits a
 * node, and if not the reasons, worded as kube-scheduler words them.
 */
public interface FilterPlugin {

  String name();

  /**
   * Once per pod and cycle, before any filter: computes cluster-wide state into {@code state}. May
   * answer {@link Status#skip()} (filter is then not called for this pod) or reject the pod for
   * every node.
   */
  default Status preFilter(CycleState state, PodInfo pod, ClusterSnapshot snapshot) {
    return Status.success();
  }

  /**
   * The node names the pod can possibly go to (PreFilterResult), when this plugin knows them
   * without filtering; empty means all nodes. Only called after a successful preFilter.
   */
  default Optional<Set<String>> preFilterNodeNames(CycleState state, PodInfo pod) {
    return Optional.empty();
  }

  Status filter(CycleState state, PodInfo pod, NodeInfo node, ClusterSnapshot snapshot);
}
