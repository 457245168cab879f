package io.akkube.node;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.akkube.core.api.Json;
import io.akkube.core.object.ObjectLifecycle;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Computes a pod's status from what its containers are doing, as the kubelet's
 * generateAPIPodStatus/getPhase do: phase, the four conditions, container statuses, addresses.
 */
public final class PodStatusBuilder {

  private PodStatusBuilder() {}

  /** One container as the worker sees it. */
  public record ContainerView(
      String name,
      String image,
      ContainerState state,
      Optional<ContainerState.Terminated> lastState,
      boolean ready,
      boolean started,
      int restartCount,
      String containerId) {}

  /**
   * A phase the worker decided on its own (deadline exceeded, evicted), with reason and message.
   */
  public record Verdict(String phase, String reason, String message) {}

  /**
   * @param hostIp the node's address
   * @param podIp the pod's, or empty while it has none yet (status.podIP is then absent)
   */
  public static ObjectNode build(
      JsonNode pod,
      List<ContainerView> init,
      List<ContainerView> app,
      Optional<Verdict> verdict,
      String hostIp,
      String podIp,
      Instant startTime,
      Instant now) {
    JsonNode oldStatus = pod.path("status");
    String restartPolicy = Json.text(pod.path("spec"), "restartPolicy");
    if (restartPolicy.isEmpty()) {
      restartPolicy = "Always";
    }
    String phase =
        verdict.map(Verdict::phase).orElseGet(() -> phase(init, app, restartPolicy(pod)));
    ObjectNode status = Json.MAPPER.createObjectNode();
    status.put("phase", phase);
    verdict.ifPresent(
        v -> {
          status.put("reason", v.reason());
          status.put("message", v.message());
        });
    boolean terminal = phase.equals("Succeeded") || phase.equals("Failed");
    List<String> incompleteInit = new ArrayList<>();
    for (ContainerView c : init) {
      if (!(c.state() instanceof ContainerState.Terminated t && t.exitCode() == 0)) {
        incompleteInit.add(c.name());
      }
    }
    List<String> unready = new ArrayList<>();
    for (ContainerView c : app) {
      if (!c.ready()) {
        unready.add(c.name());
      }
    }
    ArrayNode conditions = status.putArray("conditions");
    ObjectNode scheduled = null;
    for (JsonNode c : oldStatus.path("conditions")) {
      if (Json.text(c, "type").equals("PodScheduled")) {
        scheduled = (ObjectNode) c.deepCopy();
      }
    }
    boolean initialized = incompleteInit.isEmpty();
    conditions.add(
        condition(
            oldStatus,
            "Initialized",
            initialized,
            initialized ? "" : "ContainersNotInitialized",
            initialized ? "" : "containers with incomplete status: " + goList(incompleteInit),
            now));
    boolean ready = unready.isEmpty() && initialized && !terminal;
    String notReadyReason = terminal ? "PodCompleted" : "ContainersNotReady";
    String notReadyMessage = terminal ? "" : "containers with unready status: " + goList(unready);
    conditions.add(
        condition(
            oldStatus,
            "Ready",
            ready,
            ready ? "" : notReadyReason,
            ready || terminal ? "" : notReadyMessage,
            now));
    conditions.add(
        condition(
            oldStatus,
            "ContainersReady",
            ready,
            ready ? "" : notReadyReason,
            ready || terminal ? "" : notReadyMessage,
            now));
    if (scheduled != null) {
      conditions.add(scheduled);
    }
    status.put("hostIP", hostIp);
    status.putArray("hostIPs").addObject().put("ip", hostIp);
    if (!podIp.isEmpty()) {
      status.put("podIP", podIp);
      status.putArray("podIPs").addObject().put("ip", podIp);
    }
    status.put("startTime", ObjectLifecycle.timestamp(startTime));
    if (!init.isEmpty()) {
      status.set("initContainerStatuses", statuses(init));
    }
    status.set("containerStatuses", statuses(app));
    String qos = Json.text(oldStatus, "qosClass");
    if (!qos.isEmpty()) {
      status.put("qosClass", qos);
    }
    return status;
  }

  /** A Go slice as %v prints it: {@code [a b]}. */
  static String goList(List<String> names) {
    return "[" + String.join(" ", names) + "]";
  }

  static String restartPolicy(JsonNode pod) {
    String p = Json.text(pod.path("spec"), "restartPolicy");
    return p.isEmpty() ? "Always" : p;
  }

  /** kubelet getPhase. */
  public static String phase(List<ContainerView> init, List<ContainerView> app, String policy) {
    for (ContainerView c : init) {
      if (c.state() instanceof ContainerState.Terminated t && t.exitCode() == 0) {
        continue;
      }
      if (c.state() instanceof ContainerState.Terminated t
          && t.exitCode() != 0
          && policy.equals("Never")) {
        return "Failed";
      }
      if (c.state() instanceof ContainerState.Waiting
          && c.lastState().isPresent()
          && c.lastState().get().exitCode() != 0
          && policy.equals("Never")) {
        return "Failed";
      }
      return "Pending";
    }
    int running = 0;
    int waiting = 0;
    int stopped = 0;
    int succeeded = 0;
    for (ContainerView c : app) {
      if (c.state() instanceof ContainerState.Running) {
        running++;
      } else if (c.state() instanceof ContainerState.Terminated t) {
        stopped++;
        if (t.exitCode() == 0) {
          succeeded++;
        }
      } else if (c.lastState().isPresent()) {
        stopped++;
      } else {
        waiting++;
      }
    }
    if (waiting > 0) {
      return "Pending";
    }
    if (running > 0) {
      return "Running";
    }
    if (stopped > 0) {
      if (policy.equals("Always")) {
        return "Running";
      }
      if (stopped == succeeded) {
        return "Succeeded";
      }
      if (policy.equals("Never")) {
        return "Failed";
      }
      return "Running";
    }
    return "Pending";
  }

  private static ArrayNode statuses(List<ContainerView> views) {
    ArrayNode out = Json.MAPPER.createArrayNode();
    for (ContainerView c : views) {
      ObjectNode s = out.addObject();
      s.put("name", c.name());
      s.set("state", c.state().toJson());
      s.set(
          "lastState",
          c.lastState().map(ContainerState::toJson).orElseGet(Json.MAPPER::createObjectNode));
      s.put("ready", c.ready());
      s.put("restartCount", c.restartCount());
      s.put("image", c.image());
      s.put("imageID", "");
      if (!c.containerId().isEmpty()) {
        s.put("containerID", c.containerId());
      }
      s.put("started", c.started());
    }
    return out;
  }

  private static ObjectNode condition(
      JsonNode oldStatus, String type, boolean ok, String reason, String message, Instant now) {
    String value = ok ? "True" : "False";
    String transition = ObjectLifecycle.timestamp(now);
    for (JsonNode c : oldStatus.path("conditions")) {
      if (Json.text(c, "type").equals(type) && Json.text(c, "status").equals(value)) {
        String old = Json.text(c, "lastTransitionTime");
        if (!old.isEmpty()) {
          transition = old;
        }
      }
    }
    ObjectNode c = Json.MAPPER.createObjectNode();
    c.put("type", type);
    c.put("status", value);
    c.putNull("lastProbeTime");
    c.put("lastTransitionTime", transition);
    if (!reason.isEmpty()) {
      c.put("reason", reason);
    }
    if (!message.isEmpty()) {
      c.put("message", message);
    }
    return c;
  }
}
