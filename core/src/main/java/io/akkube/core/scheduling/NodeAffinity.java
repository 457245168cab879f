package io.akkube.core.scheduling;

import io.akkube.core.scheduling.model.ClusterSnapshot;
import io.akkube.core.scheduling.model.NodeInfo;
import io.akkube.core.scheduling.model.NodeSelectorRequirement;
import io.akkube.core.scheduling.model.NodeSelectorTerm;
import io.akkube.core.scheduling.model.PodInfo;
import io.akkube.core.scheduling.model.PreferredSchedulingTerm;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * {@code spec.nodeSelector} and node affinity: the required terms (and every nodeSelector label)
 * must match the node; each matching preferred term adds its weight to the node's score.
 */
public final class NodeAffinity implements FilterPlugin, ScorePlugin {

  public static final String NAME = "NodeAffinity";
  public static final String ERR_REASON_POD = "node(s) didn't match Pod's node affinity/selector";
  public static final String ERR_REASON_CONFLICT = "pod affinity terms conflict";

  private static final String NODE_NAMES = NAME + "/nodeNames";

  @Override
  public String name() {
    return NAME;
  }

  /**
   * Skips pods without a nodeSelector or required affinity. When every required term pins {@code
   * metadata.name In [...]}, only those nodes are candidates; terms that pin disjoint names reject
   * the pod outright.
   */
  @Override
  public Status preFilter(CycleState state, PodInfo pod, ClusterSnapshot snapshot) {
    if (pod.requiredNodeAffinity().isEmpty() && pod.nodeSelector().isEmpty()) {
      return Status.skip();
    }
    List<NodeSelectorTerm> terms = pod.requiredNodeAffinity().orElse(List.of());
    if (terms.isEmpty()) {
      return Status.success();
    }
    Set<String> nodeNames = new HashSet<>();
    for (NodeSelectorTerm t : terms) {
      Set<String> termNames = null;
      for (NodeSelectorRequirement r : t.matchFields()) {
        if (r.key().equals("metadata.name") && r.operator().equals("In")) {
          Set<String> names = new HashSet<>(r.values());
          if (termNames == null) {
            termNames = names;
          } else {
            termNames.retainAll(names);
          }
        }
      }
      if (termNames == null) {
        // This term allows any node name, and terms are ORed.
        return Status.success();
      }
      nodeNames.addAll(termNames);
    }
    if (nodeNames.isEmpty()) {
      return Status.unresolvable(ERR_REASON_CONFLICT);
    }
    state.write(NODE_NAMES, Set.copyOf(nodeNames));
    return Status.success();
  }

  @Override
  @SuppressWarnings("unchecked")
  public Optional<Set<String>> preFilterNodeNames(CycleState state, PodInfo pod) {
    return Optional.ofNullable((Set<String>) state.read(NODE_NAMES, Set.class));
  }

  @Override
  public Status filter(CycleState state, PodInfo pod, NodeInfo node, ClusterSnapshot snapshot) {
    return pod.requiredNodeAffinityMatches(node)
        ? Status.success()
        : Status.unresolvable(ERR_REASON_POD);
  }

  @Override
  public Status preScore(
      CycleState state, PodInfo pod, List<NodeInfo> feasible, ClusterSnapshot snapshot) {
    return pod.preferredNodeAffinity().isEmpty() ? Status.skip() : Status.success();
  }

  /** The sum of the weights of the preferred terms the node matches. */
  @Override
  public long score(CycleState state, PodInfo pod, NodeInfo node, ClusterSnapshot snapshot) {
    long sum = 0;
    for (PreferredSchedulingTerm t : pod.preferredNodeAffinity()) {
      // A zero weight or an empty term selects nothing.
      if (t.weight() != 0 && t.preference().matches(node.name(), node.labels())) {
        sum += t.weight();
      }
    }
    return sum;
  }

  @Override
  public long[] normalize(CycleState state, PodInfo pod, List<NodeInfo> nodes, long[] scores) {
    return ScorePlugin.defaultNormalize(scores, false);
  }
}
