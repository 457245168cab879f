package io.akkube.core.scheduling;

import io.akkube.core.scheduling.model.PodInfo;
import java.util.List;
import java.util.Optional;

/** The outcome of one scheduling attempt for one pod. */
public sealed interface ScheduleResult {

  /**
   * Where the next attempt starts looking (kube-scheduler's nextStartNodeIndex), so that large
   * clusters, where only part of the nodes are filtered, spread the search.
   */
  int nextStartNodeIndex();

  /** The pod goes to {@code nodeName}: assume it there, then bind. */
  record Scheduled(String nodeName, int evaluatedNodes, int feasibleNodes, int nextStartNodeIndex)
      implements ScheduleResult {}

  /**
   * No node fits. {@code message} is the FailedScheduling text (reason Unschedulable). When
   * preemption found room, {@code nomination} names the node and the lower-priority pods to evict
   * so the pod fits there later; the pod's {@code status.nominatedNodeName} is set to it.
   */
  record Unschedulable(
      String message,
      Optional<FitError> fitError,
      Optional<Nomination> nomination,
      int nextStartNodeIndex)
      implements ScheduleResult {}

  /** A preemption decision: evict {@code victims} from {@code nodeName}. */
  record Nomination(String nodeName, List<PodInfo> victims) {
    public Nomination {
      victims = List.copyOf(victims);
    }
  }
}
