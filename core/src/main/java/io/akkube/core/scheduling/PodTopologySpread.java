package io.akkube.core.scheduling;

import io.akkube.core.scheduling.model.ClusterSnapshot;
import io.akkube.core.scheduling.model.NodeInfo;
import io.akkube.core.scheduling.model.PodInfo;
import io.akkube.core.scheduling.model.TopologySpreadConstraint;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Topology spread constraints. For a DoNotSchedule constraint a node is rejected when placing the
 * pod there would make {@code matching pods in its domain + 1 - the global minimum} exceed maxSkew
 * (the minimum counts as 0 while fewer than minDomains domains exist). Eligible domains come from
 * nodes that carry every constraint's topology key and, by default, match the pod's required node
 * affinity (nodeAffinityPolicy Honor); taints are ignored unless nodeTaintsPolicy is Honor.
 * ScheduleAnyway constraints score nodes: fewer matching pods in the domain is better.
 *
 * <p>Not modelled: the cluster-level default constraints kube-scheduler derives for pods owned by
 * Services, ReplicaSets and StatefulSets when a pod has no constraints of its own.
 */
public final class PodTopologySpread implements FilterPlugin, ScorePlugin {

  public static final String NAME = "PodTopologySpread";
  public static final String ERR_REASON_CONSTRAINTS_NOT_MATCH =
      "node(s) didn't match pod topology spread constraints";
  public static final String ERR_REASON_NODE_LABEL_NOT_MATCH =
      ERR_REASON_CONSTRAINTS_NOT_MATCH + " (missing required label)";

  private static final String HOSTNAME = "kubernetes.io/hostname";
  private static final String FILTER_KEY = NAME + "/filter";
  private static final String SCORE_KEY = NAME + "/score";

  private record TopologyPair(String key, String value) {}

  private record FilterState(
      List<TopologySpreadConstraint> constraints,
      Map<TopologyPair, Integer> matchNum,
      Map<String, Integer> minMatchNum,
      Map<String, Integer> domainsNum) {}

  private record ScoreState(
      List<TopologySpreadConstraint> constraints,
      Set<String> ignoredNodes,
      Map<TopologyPair, Long> podCounts,
      double[] normalizingWeight) {}

  @Override
  public String name() {
    return NAME;
  }

  private static List<TopologySpreadConstraint> constraints(PodInfo pod, String when) {
    return pod.topologySpreadConstraints().stream()
        .filter(c -> c.whenUnsatisfiable().equals(when))
        .toList();
  }

  private static boolean hasAllTopologyKeys(
      NodeInfo node, List<TopologySpreadConstraint> constraints) {
    for (TopologySpreadConstraint c : constraints) {
      if (!node.labels().containsKey(c.topologyKey())) {
        return false;
      }
    }
    return true;
  }

  /** matchNodeInclusionPolicies. */
  private static boolean included(TopologySpreadConstraint c, PodInfo pod, NodeInfo node) {
    if (c.honorNodeAffinity() && !pod.requiredNodeAffinityMatches(node)) {
      return false;
    }
    return !c.honorNodeTaints()
        || TaintToleration.firstUntoleratedDoNotSchedule(node.taints(), pod.tolerations())
            .isEmpty();
  }

  /** countPodsMatchSelector: same namespace, not terminating, selected by the constraint. */
  private static int countMatching(NodeInfo node, TopologySpreadConstraint c, String namespace) {
    int n = 0;
    for (PodInfo p : node.pods()) {
      if (!p.terminating() && p.namespace().equals(namespace) && c.selects(p.labels())) {
        n++;
      }
    }
    return n;
  }

  @Override
  public Status preFilter(CycleState state, PodInfo pod, ClusterSnapshot snapshot) {
    List<TopologySpreadConstraint> constraints =
        constraints(pod, TopologySpreadConstraint.DO_NOT_SCHEDULE);
    if (constraints.isEmpty()) {
      return Status.skip();
    }
    Map<TopologyPair, Integer> matchNum = new HashMap<>();
    for (NodeInfo node : snapshot.nodes()) {
      if (!hasAllTopologyKeys(node, constraints)) {
        continue;
      }
      for (TopologySpreadConstraint c : constraints) {
        if (!included(c, pod, node)) {
          continue;
        }
        TopologyPair pair = new TopologyPair(c.topologyKey(), node.labels().get(c.topologyKey()));
        matchNum.merge(pair, countMatching(node, c, pod.namespace()), Integer::sum);
      }
    }
    Map<String, Integer> domainsNum = new HashMap<>();
    Map<String, Integer> minMatchNum = new HashMap<>();
    for (Map.Entry<TopologyPair, Integer> e : matchNum.entrySet()) {
      domainsNum.merge(e.getKey().key(), 1, Integer::sum);
      minMatchNum.merge(e.getKey().key(), e.getValue(), Math::min);
    }
    state.write(FILTER_KEY, new FilterState(constraints, matchNum, minMatchNum, domainsNum));
    return Status.success();
  }

  @Override
  public Status filter(CycleState state, PodInfo pod, NodeInfo node, ClusterSnapshot snapshot) {
    FilterState s = state.read(FILTER_KEY, FilterState.class);
    if (s == null) {
      return Status.success();
    }
    for (TopologySpreadConstraint c : s.constraints()) {
      String value = node.labels().get(c.topologyKey());
      if (value == null) {
        return Status.unresolvable(ERR_REASON_NODE_LABEL_NOT_MATCH);
      }
      Integer domains = s.domainsNum().get(c.topologyKey());
      if (domains == null) {
        // No eligible domain at all: kube-scheduler skips the constraint.
        continue;
      }
      int minMatch = domains < c.minDomains() ? 0 : s.minMatchNum().get(c.topologyKey());
      int selfMatch = c.selects(pod.labels()) ? 1 : 0;
      int match = s.matchNum().getOrDefault(new TopologyPair(c.topologyKey(), value), 0);
      if (match + selfMatch - minMatch > c.maxSkew()) {
        return Status.unschedulable(ERR_REASON_CONSTRAINTS_NOT_MATCH);
      }
    }
    return Status.success();
  }

  @Override
  public Status preScore(
      CycleState state, PodInfo pod, List<NodeInfo> feasible, ClusterSnapshot snapshot) {
    List<TopologySpreadConstraint> constraints =
        constraints(pod, TopologySpreadConstraint.SCHEDULE_ANYWAY);
    if (feasible.isEmpty() || snapshot.nodes().isEmpty() || constraints.isEmpty()) {
      return Status.skip();
    }
    Set<String> ignored = new HashSet<>();
    Map<TopologyPair, Long> podCounts = new HashMap<>();
    int[] topoSize = new int[constraints.size()];
    for (NodeInfo node : feasible) {
      if (!hasAllTopologyKeys(node, constraints)) {
        ignored.add(node.name());
        continue;
      }
      for (int i = 0; i < constraints.size(); i++) {
        TopologySpreadConstraint c = constraints.get(i);
        if (c.topologyKey().equals(HOSTNAME)) {
          continue;
        }
        TopologyPair pair = new TopologyPair(c.topologyKey(), node.labels().get(c.topologyKey()));
        if (podCounts.putIfAbsent(pair, 0L) == null) {
          topoSize[i]++;
        }
      }
    }
    double[] weights = new double[constraints.size()];
    for (int i = 0; i < constraints.size(); i++) {
      int size =
          constraints.get(i).topologyKey().equals(HOSTNAME)
              ? feasible.size() - ignored.size()
              : topoSize[i];
      weights[i] = Math.log(size + 2);
    }
    for (NodeInfo node : snapshot.nodes()) {
      if (!hasAllTopologyKeys(node, constraints)) {
        continue;
      }
      for (TopologySpreadConstraint c : constraints) {
        if (!included(c, pod, node)) {
          continue;
        }
        TopologyPair pair = new TopologyPair(c.topologyKey(), node.labels().get(c.topologyKey()));
        // Only domains of candidate nodes matter; hostname counts are taken in score.
        if (podCounts.containsKey(pair)) {
          podCounts.merge(pair, (long) countMatching(node, c, pod.namespace()), Long::sum);
        }
      }
    }
    state.write(SCORE_KEY, new ScoreState(constraints, ignored, podCounts, weights));
    return Status.success();
  }

  /** The matching pods in the node's domains, weighted by log(domains + 2), plus maxSkew - 1. */
  @Override
  public long score(CycleState state, PodInfo pod, NodeInfo node, ClusterSnapshot snapshot) {
    ScoreState s = state.read(SCORE_KEY, ScoreState.class);
    if (s.ignoredNodes().contains(node.name())) {
      return 0;
    }
    double score = 0;
    for (int i = 0; i < s.constraints().size(); i++) {
      TopologySpreadConstraint c = s.constraints().get(i);
      String value = node.labels().get(c.topologyKey());
      if (value == null) {
        continue;
      }
      long count =
          c.topologyKey().equals(HOSTNAME)
              ? countMatching(node, c, pod.namespace())
              : s.podCounts().get(new TopologyPair(c.topologyKey(), value));
      score += (double) count * s.normalizingWeight()[i] + (double) (c.maxSkew() - 1);
    }
    return Math.round(score);
  }

  /**
   * {@code 100 * (max + min - score) / max}: the node with the fewest matching pods gets 100;
   * ignored nodes (missing a topology key) get 0.
   */
  @Override
  public long[] normalize(CycleState state, PodInfo pod, List<NodeInfo> nodes, long[] scores) {
    ScoreState s = state.read(SCORE_KEY, ScoreState.class);
    long min = Long.MAX_VALUE;
    long max = 0;
    for (int i = 0; i < scores.length; i++) {
      if (s.ignoredNodes().contains(nodes.get(i).name())) {
        continue;
      }
      min = Math.min(min, scores[i]);
      max = Math.max(max, scores[i]);
    }
    long[] out = new long[scores.length];
    for (int i = 0; i < scores.length; i++) {
      if (s.ignoredNodes().contains(nodes.get(i).name())) {
        out[i] = 0;
      } else if (max == 0) {
        out[i] = MAX_NODE_SCORE;
      } else {
        out[i] = MAX_NODE_SCORE * (max + min - scores[i]) / max;
      }
    }
    return out;
  }
}
