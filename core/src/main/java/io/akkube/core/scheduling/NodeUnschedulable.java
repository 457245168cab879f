package io.akkube.core.scheduling;

import io.akkube.core.scheduling.model.ClusterSnapshot;
import io.akkube.core.scheduling.model.NodeInfo;
import io.akkube.core.scheduling.model.PodInfo;
import io.akkube.core.scheduling.model.Taint;
import io.akkube.core.scheduling.model.Toleration;

/**
 * A cordoned node ({@code spec.unschedulable}) takes only pods that tolerate the {@code
 * node.kubernetes.io/unschedulable:NoSchedule} taint.
 */
public final class NodeUnschedulable implements FilterPlugin {

  public static final String NAME = "NodeUnschedulable";
  public static final String ERR_REASON = "node(s) were unschedulable";

  private static final Taint UNSCHEDULABLE =
      new Taint(Taint.UNSCHEDULABLE_KEY, "", Taint.NO_SCHEDULE);

  @Override
  public String name() {
    return NAME;
  }

  @Override
  public Status filter(CycleState state, PodInfo pod, NodeInfo node, ClusterSnapshot snapshot) {
    if (!node.unschedulable() || Toleration.anyTolerates(pod.tolerations(), UNSCHEDULABLE)) {
      return Status.success();
    }
    return Status.unresolvable(ERR_REASON);
  }
}
