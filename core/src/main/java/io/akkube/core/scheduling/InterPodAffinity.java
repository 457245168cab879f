package io.akkube.core.scheduling;

import io.akkube.core.scheduling.model.ClusterSnapshot;
import io.akkube.core.scheduling.model.NodeInfo;
import io.akkube.core.scheduling.model.PodAffinityTerm;
import io.akkube.core.scheduling.model.PodInfo;
import io.akkube.core.scheduling.model.WeightedPodAffinityTerm;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Inter-pod affinity and anti-affinity. A topology domain is a (node label key, value) pair; a node
 * is in the domain when it has that label.
 *
 * <p>Filter: the pod's required affinity needs, in the node's domain of every term, an existing pod
 * matching all terms (or, if no pod anywhere matches and the pod matches its own terms, lets the
 * first of a group in); its required anti-affinity rejects domains holding a matching pod; and
 * existing pods' required anti-affinity rejects domains where they would see the pod.
 *
 * <p>Score: preferred terms of the pod, and preferred and required terms of existing pods that
 * match it, add or subtract their weight to every node in the matched domain; normalized to 0..100
 * between the lowest and highest total.
 */
public final class InterPodAffinity implements FilterPlugin, ScorePlugin {

  public static final String NAME = "InterPodAffinity";
  public static final String ERR_REASON_AFFINITY = "node(s) didn't match pod affinity rules";
  public static final String ERR_REASON_ANTI_AFFINITY =
      "node(s) didn't match pod anti-affinity rules";
  public static final String ERR_REASON_EXISTING_ANTI_AFFINITY =
      "node(s) didn't satisfy existing pods anti-affinity rules";

  /** The weight of existing pods' required affinity terms in scoring (HardPodAffinityWeight). */
  static final long HARD_POD_AFFINITY_WEIGHT = 1;

  private static final String FILTER_KEY = NAME + "/filter";
  private static final String SCORE_KEY = NAME + "/score";

  private record TopologyPair(String key, String value) {}

  private record FilterState(
      Map<TopologyPair, Long> affinityCounts,
      Map<TopologyPair, Long> antiAffinityCounts,
      Map<TopologyPair, Long> existingAntiAffinityCounts) {}

  /** topologyKey -> value -> summed weight. */
  private record ScoreState(Map<String, Map<String, Long>> topologyScore) {}

  @Override
  public String name() {
    return NAME;
  }

  @Override
  public Status preFilter(CycleState state, PodInfo pod, ClusterSnapshot snapshot) {
    Map<String, String> podNsLabels = snapshot.namespaceLabels(pod.namespace());
    Map<TopologyPair, Long> existingAnti = new HashMap<>();
    Map<TopologyPair, Long> affinity = new HashMap<>();
    Map<TopologyPair, Long> anti = new HashMap<>();
    boolean incoming = pod.hasRequiredAffinity();
    for (NodeInfo node : snapshot.nodes()) {
      // Without terms of its own, only existing pods' required anti-affinity can reject the pod.
      for (PodInfo existing : incoming ? node.pods() : node.podsWithRequiredAntiAffinity()) {
        for (PodAffinityTerm t : existing.requiredAntiAffinityTerms()) {
          if (t.matches(pod, podNsLabels)) {
            count(existingAnti, node, t.topologyKey());
          }
        }
        if (!incoming) {
          continue;
        }
        Map<String, String> existingNsLabels = snapshot.namespaceLabels(existing.namespace());
        if (matchesAll(pod.requiredAffinityTerms(), existing, existingNsLabels)) {
          for (PodAffinityTerm t : pod.requiredAffinityTerms()) {
            count(affinity, node, t.topologyKey());
          }
        }
        for (PodAffinityTerm t : pod.requiredAntiAffinityTerms()) {
          if (t.matches(existing, existingNsLabels)) {
            count(anti, node, t.topologyKey());
          }
        }
      }
    }
    if (existingAnti.isEmpty() && !incoming) {
      return Status.skip();
    }
    state.write(FILTER_KEY, new FilterState(affinity, anti, existingAnti));
    return Status.success();
  }

  private static void count(Map<TopologyPair, Long> counts, NodeInfo node, String topologyKey) {
    String value = node.labels().get(topologyKey);
    if (value != null) {
      counts.merge(new TopologyPair(topologyKey, value), 1L, Long::sum);
    }
  }

  /** podMatchesAllAffinityTerms: false for no terms. */
  private static boolean matchesAll(
      List<PodAffinityTerm> terms, PodInfo pod, Map<String, String> nsLabels) {
    if (terms.isEmpty()) {
      return false;
    }
    for (PodAffinityTerm t : terms) {
      if (!t.matches(pod, nsLabels)) {
        return false;
      }
    }
    return true;
  }

  @Override
  public Status filter(CycleState state, PodInfo pod, NodeInfo node, ClusterSnapshot snapshot) {
    FilterState s = state.read(FILTER_KEY, FilterState.class);
    if (s == null) {
      return Status.success();
    }
    if (!satisfiesPodAffinity(s, pod, node, snapshot)) {
      return Status.unresolvable(ERR_REASON_AFFINITY);
    }
    if (!satisfiesPodAntiAffinity(s, pod, node)) {
      return Status.unschedulable(ERR_REASON_ANTI_AFFINITY);
    }
    if (!satisfiesExistingPodsAntiAffinity(s, node)) {
      return Status.unschedulable(ERR_REASON_EXISTING_ANTI_AFFINITY);
    }
    return Status.success();
  }

  private static boolean satisfiesPodAffinity(
      FilterState s, PodInfo pod, NodeInfo node, ClusterSnapshot snapshot) {
    boolean podsExist = true;
    for (PodAffinityTerm t : pod.requiredAffinityTerms()) {
      String value = node.labels().get(t.topologyKey());
      if (value == null) {
        // Every topology label must exist on the node.
        return false;
      }
      if (s.affinityCounts().getOrDefault(new TopologyPair(t.topologyKey(), value), 0L) <= 0) {
        podsExist = false;
      }
    }
    if (podsExist) {
      return true;
    }
    // The first pod of a group with affinity to itself must not wait forever.
    return s.affinityCounts().isEmpty()
        && matchesAll(pod.requiredAffinityTerms(), pod, snapshot.namespaceLabels(pod.namespace()));
  }

  private static boolean satisfiesPodAntiAffinity(FilterState s, PodInfo pod, NodeInfo node) {
    if (s.antiAffinityCounts().isEmpty()) {
      return true;
    }
    for (PodAffinityTerm t : pod.requiredAntiAffinityTerms()) {
      String value = node.labels().get(t.topologyKey());
      if (value != null
          && s.antiAffinityCounts().getOrDefault(new TopologyPair(t.topologyKey(), value), 0L)
              > 0) {
        return false;
      }
    }
    return true;
  }

  private static boolean satisfiesExistingPodsAntiAffinity(FilterState s, NodeInfo node) {
    if (s.existingAntiAffinityCounts().isEmpty()) {
      return true;
    }
    for (Map.Entry<String, String> label : node.labels().entrySet()) {
      TopologyPair pair = new TopologyPair(label.getKey(), label.getValue());
      if (s.existingAntiAffinityCounts().getOrDefault(pair, 0L) > 0) {
        return false;
      }
    }
    return true;
  }

  @Override
  public Status preScore(
      CycleState state, PodInfo pod, List<NodeInfo> feasible, ClusterSnapshot snapshot) {
    boolean hasConstraints =
        !pod.preferredAffinityTerms().isEmpty() || !pod.preferredAntiAffinityTerms().isEmpty();
    Map<String, String> podNsLabels = snapshot.namespaceLabels(pod.namespace());
    Map<String, Map<String, Long>> topologyScore = new HashMap<>();
    for (NodeInfo node : snapshot.nodes()) {
      if (node.labels().isEmpty()) {
        continue;
      }
      for (PodInfo existing : hasConstraints ? node.pods() : node.podsWithAffinity()) {
        Map<String, String> existingNsLabels = snapshot.namespaceLabels(existing.namespace());
        for (WeightedPodAffinityTerm t : pod.preferredAffinityTerms()) {
          add(topologyScore, t.term(), t.weight(), existing, existingNsLabels, node);
        }
        for (WeightedPodAffinityTerm t : pod.preferredAntiAffinityTerms()) {
          add(topologyScore, t.term(), -t.weight(), existing, existingNsLabels, node);
        }
        for (PodAffinityTerm t : existing.requiredAffinityTerms()) {
          add(topologyScore, t, HARD_POD_AFFINITY_WEIGHT, pod, podNsLabels, node);
        }
        for (WeightedPodAffinityTerm t : existing.preferredAffinityTerms()) {
          add(topologyScore, t.term(), t.weight(), pod, podNsLabels, node);
        }
        for (WeightedPodAffinityTerm t : existing.preferredAntiAffinityTerms()) {
          add(topologyScore, t.term(), -t.weight(), pod, podNsLabels, node);
        }
      }
    }
    if (topologyScore.isEmpty()) {
      return Status.skip();
    }
    state.write(SCORE_KEY, new ScoreState(topologyScore));
    return Status.success();
  }

  /** scoreMap.processTerm: credit every node in the domain where {@code target} matched. */
  private static void add(
      Map<String, Map<String, Long>> topologyScore,
      PodAffinityTerm term,
      long weight,
      PodInfo target,
      Map<String, String> targetNsLabels,
      NodeInfo node) {
    if (!term.matches(target, targetNsLabels)) {
      return;
    }
    String value = node.labels().get(term.topologyKey());
    if (value != null) {
      topologyScore
          .computeIfAbsent(term.topologyKey(), k -> new HashMap<>())
          .merge(value, weight, Long::sum);
    }
  }

  @Override
  public long score(CycleState state, PodInfo pod, NodeInfo node, ClusterSnapshot snapshot) {
    ScoreState s = state.read(SCORE_KEY, ScoreState.class);
    long score = 0;
    for (Map.Entry<String, Map<String, Long>> e : s.topologyScore().entrySet()) {
      String value = node.labels().get(e.getKey());
      if (value != null) {
        score += e.getValue().getOrDefault(value, 0L);
      }
    }
    return score;
  }

  /** Linear between the lowest (0) and highest (100) raw score; all equal gives 0. */
  @Override
  public long[] normalize(CycleState state, PodInfo pod, List<NodeInfo> nodes, long[] scores) {
    long min = Long.MAX_VALUE;
    long max = Long.MIN_VALUE;
    for (long s : scores) {
      min = Math.min(min, s);
      max = Math.max(max, s);
    }
    long[] out = new long[scores.length];
    long diff = max - min;
    for (int i = 0; i < scores.length; i++) {
      double f = diff > 0 ? (double) MAX_NODE_SCORE * ((double) (scores[i] - min) / diff) : 0;
      out[i] = (long) f;
    }
    return out;
  }
}
