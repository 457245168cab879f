package io.akkube.core.scheduling;

import io.akkube.core.scheduling.model.NodeInfo;
import io.akkube.core.scheduling.model.PodInfo;
import io.akkube.core.scheduling.model.Resources;
import java.util.List;

/**
 * resource_allocation.go: the (allocatable, requested-after-placing-the-pod) pairs that the
 * resource scoring strategies work on, and the strategies' integer arithmetic.
 */
final class ResourceAllocation {

  /** A resource a strategy scores, with its weight (cpu and memory, weight 1, by default). */
  record ResourceSpec(String name, long weight) {}

  static final List<ResourceSpec> DEFAULT_RESOURCES =
      List.of(new ResourceSpec(Resources.CPU, 1), new ResourceSpec(Resources.MEMORY, 1));

  private ResourceAllocation() {}

  /**
   * For each resource: what the node can allocate and what would be requested with the pod on it
   * (0, 0 for a resource the strategy leaves out). With {@code useRequested} false, cpu and memory
   * count the scheduler's non-zero defaults for containers that request nothing.
   */
  static long[][] allocatableAndRequested(
      PodInfo pod, NodeInfo node, List<ResourceSpec> resources, boolean useRequested) {
    long[] allocatable = new long[resources.size()];
    long[] requested = new long[resources.size()];
    Resources nodeRequested = useRequested ? node.requested() : node.nonZeroRequested();
    for (int i = 0; i < resources.size(); i++) {
      String name = resources.get(i).name();
      long podRequest = podRequest(pod, name, useRequested);
      if (podRequest == 0 && Resources.isScalarResourceName(name)) {
        // An extended resource the pod does not ask for does not rank nodes.
        continue;
      }
      switch (name) {
        case Resources.CPU, Resources.MEMORY -> {
          allocatable[i] = node.allocatable().get(name);
          requested[i] = nodeRequested.get(name) + podRequest;
        }
        case Resources.EPHEMERAL_STORAGE -> {
          allocatable[i] = node.allocatable().ephemeralStorage();
          requested[i] = node.requested().ephemeralStorage() + podRequest;
        }
        default -> {
          if (node.allocatable().scalar().containsKey(name)) {
            allocatable[i] = node.allocatable().get(name);
            requested[i] = node.requested().get(name) + podRequest;
          }
        }
      }
      if (allocatable[i] == 0) {
        requested[i] = 0;
      }
    }
    return new long[][] {allocatable, requested};
  }

  private static long podRequest(PodInfo pod, String name, boolean useRequested) {
    if (!useRequested && name.equals(Resources.CPU)) {
      return pod.nonZeroMilliCpu();
    }
    if (!useRequested && name.equals(Resources.MEMORY)) {
      return pod.nonZeroMemory();
    }
    return pod.requests().get(name);
  }

  /**
   * leastResourceScorer: per resource {@code (allocatable - requested) * 100 / allocatable} (0 when
   * over-requested), then the weighted mean, all in integer division.
   */
  static long leastAllocated(long[] allocatable, long[] requested, List<ResourceSpec> resources) {
    long nodeScore = 0;
    long weightSum = 0;
    for (int i = 0; i < requested.length; i++) {
      if (allocatable[i] == 0) {
        continue;
      }
      long resourceScore =
          requested[i] > allocatable[i]
              ? 0
              : (allocatable[i] - requested[i]) * ScorePlugin.MAX_NODE_SCORE / allocatable[i];
      nodeScore += resourceScore * resources.get(i).weight();
      weightSum += resources.get(i).weight();
    }
    return weightSum == 0 ? 0 : nodeScore / weightSum;
  }

  /**
   * balancedResourceScorer: {@code (1 - std) * 100} truncated, where std is the standard deviation
   * of the requested fractions (each capped at 1); for two resources simply half their difference.
   */
  static long balanced(long[] allocatable, long[] requested) {
    double[] fractions = new double[requested.length];
    int n = 0;
    double total = 0;
    for (int i = 0; i < requested.length; i++) {
      if (allocatable[i] == 0) {
        continue;
      }
      double fraction = Math.min(1.0, (double) requested[i] / (double) allocatable[i]);
      total += fraction;
      fractions[n++] = fraction;
    }
    double std = 0;
    if (n == 2) {
      std = Math.abs((fractions[0] - fractions[1]) / 2);
    } else if (n > 2) {
      double mean = total / n;
      double sum = 0;
      for (int i = 0; i < n; i++) {
        sum += (fractions[i] - mean) * (fractions[i] - mean);
      }
      std = Math.sqrt(sum / n);
    }
    return (long) ((1 - std) * (double) ScorePlugin.MAX_NODE_SCORE);
  }
}
