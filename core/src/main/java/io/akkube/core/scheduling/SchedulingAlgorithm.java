package io.akkube.core.scheduling;

import io.akkube.core.scheduling.model.ClusterSnapshot;
import io.akkube.core.scheduling.model.NodeInfo;
import io.akkube.core.scheduling.model.PodInfo;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.Set;
import java.util.TreeSet;

/**
 * One scheduling cycle of kube-scheduler (schedulePod), as a pure function of the pod, the cluster
 * snapshot, where to start the node search, and a random source for ties: PreFilter, the nominated
 * node first, Filter over enough nodes, PreScore/Score/NormalizeScore with the profile's weights,
 * then the highest total (reservoir-sampled among ties). When nothing fits it returns the
 * kube-worded FitError message, after trying preemption.
 */
public final class SchedulingAlgorithm {

  /** ErrNoNodesAvailable. */
  public static final String NO_NODES_AVAILABLE = "no nodes available to schedule pods";

  /** Below this many nodes every node is filtered (minFeasibleNodesToFind). */
  static final int MIN_FEASIBLE_NODES_TO_FIND = 100;

  /** minFeasibleNodesPercentageToFind. */
  static final int MIN_FEASIBLE_NODES_PERCENTAGE_TO_FIND = 5;

  private final SchedulingProfile profile;
  private final Preemption preemption;

  public SchedulingAlgorithm() {
    this(SchedulingProfile.defaults());
  }

  public SchedulingAlgorithm(SchedulingProfile profile) {
    this.profile = profile;
    this.preemption = new Preemption(this);
  }

  public SchedulingProfile profile() {
    return profile;
  }

  public ScheduleResult schedule(PodInfo pod, ClusterSnapshot snapshot, Random random) {
    return schedule(pod, snapshot, 0, random);
  }

  public ScheduleResult schedule(
      PodInfo pod, ClusterSnapshot snapshot, int startNodeIndex, Random random) {
    List<NodeInfo> allNodes = snapshot.nodes();
    if (allNodes.isEmpty()) {
      return new ScheduleResult.Unschedulable(
          NO_NODES_AVAILABLE, Optional.empty(), Optional.empty(), startNodeIndex);
    }
    CycleState state = new CycleState();
    PreFilterOutcome pre = runPreFilter(state, pod, snapshot);
    if (!pre.status().isSuccess()) {
      FitError fit =
          new FitError(
              allNodes.size(), Map.of(), Optional.of(pre.status()), pre.status().message(), "");
      return unschedulable(pod, snapshot, fit, startNodeIndex, random);
    }

    if (!pod.nominatedNodeName().isEmpty()) {
      Optional<NodeInfo> nominated = snapshot.node(pod.nominatedNodeName());
      if (nominated.isPresent() && runFilters(state, pod, nominated.get(), snapshot).isSuccess()) {
        return new ScheduleResult.Scheduled(nominated.get().name(), 1, 1, startNodeIndex);
      }
    }

    List<NodeInfo> nodes = allNodes;
    Optional<Status> absent = Optional.empty();
    if (pre.nodeNames().isPresent()) {
      Set<String> names = pre.nodeNames().get();
      nodes = allNodes.stream().filter(n -> names.contains(n.name())).toList();
      absent =
          Optional.of(
              Status.unresolvable(
                  "node(s) didn't satisfy plugin(s) " + goList(pre.restrictingPlugins())));
    }

    Map<String, Status> statuses = new LinkedHashMap<>();
    List<NodeInfo> feasible = new ArrayList<>();
    int toFind = numFeasibleNodesToFind(nodes.size());
    int processed = 0;
    for (int i = 0; i < nodes.size() && feasible.size() < toFind; i++) {
      NodeInfo node = nodes.get((startNodeIndex + i) % nodes.size());
      processed++;
      Status s = runFilters(state, pod, node, snapshot);
      if (s.isSuccess()) {
        feasible.add(node);
      } else {
        statuses.put(node.name(), s);
      }
    }
    int next = (startNodeIndex + processed) % allNodes.size();

    if (feasible.isEmpty()) {
      FitError fit = new FitError(allNodes.size(), statuses, absent, "", "");
      return unschedulable(pod, snapshot, fit, next, random);
    }
    int evaluated = feasible.size() + statuses.size();
    if (feasible.size() == 1) {
      return new ScheduleResult.Scheduled(feasible.get(0).name(), evaluated, 1, next);
    }
    long[] totals = prioritize(state, pod, feasible, snapshot);
    return new ScheduleResult.Scheduled(
        selectHost(feasible, totals, random), evaluated, feasible.size(), next);
  }

  private ScheduleResult unschedulable(
      PodInfo pod, ClusterSnapshot snapshot, FitError fit, int next, Random random) {
    Preemption.Outcome outcome = preemption.preempt(pod, snapshot, fit, random);
    FitError withPost = fit.withPostFilterMessage(outcome.message());
    return new ScheduleResult.Unschedulable(
        withPost.eventMessage(), Optional.of(withPost), outcome.nomination(), next);
  }

  /** A list as Go's %v prints it: {@code [a b]}. */
  private static String goList(java.util.Collection<String> items) {
    return "[" + String.join(" ", items) + "]";
  }

  /** numFeasibleNodesToFind with the adaptive default percentage. */
  static int numFeasibleNodesToFind(int numAllNodes) {
    if (numAllNodes < MIN_FEASIBLE_NODES_TO_FIND) {
      return numAllNodes;
    }
    int percentage = Math.max(50 - numAllNodes / 125, MIN_FEASIBLE_NODES_PERCENTAGE_TO_FIND);
    int numNodes = numAllNodes * percentage / 100;
    return Math.max(numNodes, MIN_FEASIBLE_NODES_TO_FIND);
  }

  record PreFilterOutcome(
      Status status, Optional<Set<String>> nodeNames, List<String> restrictingPlugins) {}

  /**
   * RunPreFilterPlugins: the first rejection wins; node names from several plugins intersect;
   * skipping plugins are remembered in {@code state}.
   */
  PreFilterOutcome runPreFilter(CycleState state, PodInfo pod, ClusterSnapshot snapshot) {
    Set<String> nodeNames = null;
    List<String> restricting = new ArrayList<>();
    for (FilterPlugin p : profile.filters()) {
      Status s = p.preFilter(state, pod, snapshot);
      if (s.isSkip()) {
        state.skipFilter(p.name());
        continue;
      }
      if (!s.isSuccess()) {
        return new PreFilterOutcome(s, Optional.empty(), List.of(p.name()));
      }
      Optional<Set<String>> names = p.preFilterNodeNames(state, pod);
      if (names.isPresent()) {
        restricting.add(p.name());
        if (nodeNames == null) {
          nodeNames = new TreeSet<>(names.get());
        } else {
          nodeNames.retainAll(names.get());
        }
        if (nodeNames.isEmpty()) {
          String msg =
              restricting.size() == 1
                  ? "node(s) didn't satisfy plugin " + restricting.get(0)
                  : "node(s) didn't satisfy plugin(s) "
                      + goList(new TreeSet<>(restricting))
                      + " simultaneously";
          return new PreFilterOutcome(
              Status.unresolvable(msg), Optional.empty(), List.copyOf(restricting));
        }
      }
    }
    restricting.sort(null);
    return new PreFilterOutcome(
        Status.success(), Optional.ofNullable(nodeNames), List.copyOf(restricting));
  }

  /** RunFilterPlugins: plugins in profile order, stopping at the first that rejects. */
  Status runFilters(CycleState state, PodInfo pod, NodeInfo node, ClusterSnapshot snapshot) {
    for (FilterPlugin p : profile.filters()) {
      if (state.filterSkipped(p.name())) {
        continue;
      }
      Status s = p.filter(state, pod, node, snapshot);
      if (!s.isSuccess()) {
        return s;
      }
    }
    return Status.success();
  }

  /** The weighted total score of each feasible node, in the order of {@code feasible}. */
  long[] prioritize(
      CycleState state, PodInfo pod, List<NodeInfo> feasible, ClusterSnapshot snapshot) {
    long[] totals = new long[feasible.size()];
    for (SchedulingProfile.WeightedScore ws : profile.scores()) {
      ScorePlugin p = ws.plugin();
      if (p.preScore(state, pod, feasible, snapshot).isSkip()) {
        continue;
      }
      long[] raw = new long[feasible.size()];
      for (int i = 0; i < raw.length; i++) {
        raw[i] = p.score(state, pod, feasible.get(i), snapshot);
      }
      long[] normalized = p.normalize(state, pod, feasible, raw);
      for (int i = 0; i < totals.length; i++) {
        totals[i] += normalized[i] * ws.weight();
      }
    }
    return totals;
  }

  /** selectHost: the highest total; among equal totals each is equally likely. */
  static String selectHost(List<NodeInfo> nodes, long[] totals, Random random) {
    int selected = 0;
    int ties = 1;
    for (int i = 1; i < totals.length; i++) {
      if (totals[i] > totals[selected]) {
        selected = i;
        ties = 1;
      } else if (totals[i] == totals[selected]) {
        ties++;
        if (random.nextInt(ties) == 0) {
          selected = i;
        }
      }
    }
    return nodes.get(selected).name();
  }
}
