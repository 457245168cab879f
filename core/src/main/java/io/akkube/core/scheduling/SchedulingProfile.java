package io.akkube.core.scheduling;

import java.util.List;

/**
 * Which plugins run, in which order, and how much each score weighs: kube-scheduler's
 * KubeSchedulerProfile. {@link #defaults()} is the default-scheduler profile of Kubernetes 1.32
 * restricted to the plugins akkube has (no volume or image plugins).
 */
public record SchedulingProfile(List<FilterPlugin> filters, List<WeightedScore> scores) {

  /** A score plugin with its weight; the node's total is the sum of score times weight. */
  public record WeightedScore(ScorePlugin plugin, int weight) {}

  public SchedulingProfile {
    filters = List.copyOf(filters);
    scores = List.copyOf(scores);
  }

  public static SchedulingProfile defaults() {
    TaintToleration taintToleration = new TaintToleration();
    NodeAffinity nodeAffinity = new NodeAffinity();
    NodeResourcesFit fit = new NodeResourcesFit();
    PodTopologySpread spread = new PodTopologySpread();
    InterPodAffinity interPodAffinity = new InterPodAffinity();
    return new SchedulingProfile(
        List.of(
            new NodeUnschedulable(),
            new NodeName(),
            taintToleration,
            nodeAffinity,
            new NodePorts(),
            fit,
            spread,
            interPodAffinity),
        List.of(
            new WeightedScore(taintToleration, 3),
            new WeightedScore(nodeAffinity, 2),
            new WeightedScore(fit, 1),
            new WeightedScore(spread, 2),
            new WeightedScore(interPodAffinity, 2),
            new WeightedScore(new NodeResourcesBalancedAllocation(), 1)));
  }
}
