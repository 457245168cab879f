package io.akkube.node;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.akkube.core.scheduling.NodePorts;
import io.akkube.core.scheduling.model.HostPort;
import io.akkube.core.scheduling.model.PodInfo;
import io.akkube.node.PodStatusBuilder.Verdict;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Optional;

/**
 * The kubelet's admission of a pod that arrives on the node (lifecycle.predicateAdmitHandler): a
 * pod whose host ports are already bound by an admitted pod is rejected — phase Failed, reason
 * {@code NodePorts} — instead of being run. Under the process runtime every pod uses the host
 * network, so its container ports count as host ports too.
 */
final class PodAdmission {

  private PodAdmission() {}

  /**
   * @param admitted the pods already admitted on this node that still hold their ports (not
   *     Succeeded or Failed)
   * @return the rejection, or empty when the pod may run
   */
  static Optional<Verdict> admit(
      ObjectNode pod, Collection<ObjectNode> admitted, boolean containerPortsAreHostPorts) {
    List<HostPort> wanted = PodInfo.of(pod, containerPortsAreHostPorts).hostPorts();
    if (wanted.isEmpty()) {
      return Optional.empty();
    }
    List<HostPort> used = new ArrayList<>();
    for (ObjectNode other : admitted) {
      used.addAll(PodInfo.of(other, containerPortsAreHostPorts).hostPorts());
    }
    for (HostPort port : wanted) {
      if (port.conflictsWithAny(used)) {
        return Optional.of(rejection(NodePorts.NAME, NodePorts.ERR_REASON));
      }
    }
    return Optional.empty();
  }

  /** rejectPod: the first failed predicate names the reason. */
  static Verdict rejection(String predicate, String description) {
    return new Verdict(
        "Failed",
        predicate,
        "Pod was rejected: Predicate " + predicate + " failed: " + description);
  }

  static boolean terminal(ObjectNode pod) {
    String phase = pod.path("status").path("phase").asText("");
    return phase.equals("Succeeded") || phase.equals("Failed");
  }
}
