package io.akkube.core.scheduling;

import io.akkube.core.scheduling.model.ClusterSnapshot;
import io.akkube.core.scheduling.model.NodeInfo;
import io.akkube.core.scheduling.model.PodInfo;
import io.akkube.core.scheduling.model.Taint;
import io.akkube.core.scheduling.model.Toleration;
import java.util.List;
import java.util.Optional;

/**
 * Taints and tolerations: a NoSchedule or NoExecute taint the pod does not tolerate rejects the
 * node; each untolerated PreferNoSchedule taint lowers the node's score.
 */
public final class TaintToleration implements FilterPlugin, ScorePlugin {

  public static final String NAME = "TaintToleration";

  @Override
  public String name() {
    return NAME;
  }

  @Override
  public Status filter(CycleState state, PodInfo pod, NodeInfo node, ClusterSnapshot snapshot) {
    return firstUntoleratedDoNotSchedule(node.taints(), pod.tolerations())
        .map(t -> Status.unresolvable("node(s) had untolerated taint " + t.describe()))
        .orElse(Status.success());
  }

  /**
   * v1helper.FindMatchingUntoleratedTaint with DoNotScheduleTaintsFilterFunc: the first NoSchedule
   * or NoExecute taint, in the node's order, that no toleration tolerates.
   */
  public static Optional<Taint> firstUntoleratedDoNotSchedule(
      List<Taint> taints, List<Toleration> tolerations) {
    for (Taint t : taints) {
      boolean doNotSchedule =
          t.effect().equals(Taint.NO_SCHEDULE) || t.effect().equals(Taint.NO_EXECUTE);
      if (doNotSchedule && !Toleration.anyTolerates(tolerations, t)) {
        return Optional.of(t);
      }
    }
    return Optional.empty();
  }

  /** The number of PreferNoSchedule taints the pod does not tolerate (fewer is better). */
  @Override
  public long score(CycleState state, PodInfo pod, NodeInfo node, ClusterSnapshot snapshot) {
    // Only tolerations that apply to PreferNoSchedule (or to every effect) count here.
    List<Toleration> preferNoSchedule =
        pod.tolerations().stream()
            .filter(t -> t.effect().isEmpty() || t.effect().equals(Taint.PREFER_NO_SCHEDULE))
            .toList();
    long intolerable = 0;
    for (Taint t : node.taints()) {
      if (t.effect().equals(Taint.PREFER_NO_SCHEDULE)
          && !Toleration.anyTolerates(preferNoSchedule, t)) {
        intolerable++;
      }
    }
    return intolerable;
  }

  @Override
  public long[] normalize(CycleState state, PodInfo pod, List<NodeInfo> nodes, long[] scores) {
    return ScorePlugin.defaultNormalize(scores, true);
  }
}
