package io.akkube.cluster.lifecycle;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.akkube.core.api.Json;
import io.akkube.core.object.ObjectLifecycle;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;

/**
 * The node lifecycle's decisions, as pure functions (kube's node-lifecycle-controller): when a node
 * silent for the grace period goes Ready=Unknown with the unreachable taints, when a node heard
 * from again goes back to Ready=True, and what those transitions write into a Node's status and
 * spec and into its pods' status.
 */
final class NodeHealth {

  static final String TAINT_UNREACHABLE = "node.kubernetes.io/unreachable";
  static final String REASON_UNKNOWN = "NodeStatusUnknown";
  static final String MESSAGE_UNKNOWN = "Kubelet stopped posting node status.";
  static final String REASON_READY = "KubeletReady";

  private NodeHealth() {}

  enum Transition {
    NONE,
    TO_UNKNOWN,
    TO_READY
  }

  /**
   * What the lifecycle knows of one node.
   *
   * @param markedUnknown the Node carries our verdict (Ready=Unknown or an unreachable taint)
   * @param lastHeartbeat the newest heartbeat this singleton received, if any
   * @param watchedSince when this singleton started watching the node (a fresh grace period after a
   *     fail-over, so nodes are not all declared lost at once)
   */
  record Observation(
      boolean markedUnknown, Optional<Instant> lastHeartbeat, Instant watchedSince) {}

  static Transition decide(Observation o, Instant now, Duration grace) {
    boolean heardRecently =
        o.lastHeartbeat().map(t -> Duration.between(t, now).compareTo(grace) <= 0).orElse(false);
    if (o.markedUnknown()) {
      return heardRecently ? Transition.TO_READY : Transition.NONE;
    }
    Instant since =
        o.lastHeartbeat().filter(t -> t.isAfter(o.watchedSince())).orElse(o.watchedSince());
    return Duration.between(since, now).compareTo(grace) > 0
        ? Transition.TO_UNKNOWN
        : Transition.NONE;
  }

  /** Whether a Node carries the lifecycle's verdict: Ready=Unknown, or an unreachable taint. */
  static boolean markedUnknown(ObjectNode node) {
    JsonNode ready = condition(node.path("status"), "Ready");
    boolean unknown = ready != null && ready.path("status").asText("").equals("Unknown");
    return unknown || hasUnreachableTaint(node.path("spec"));
  }

  /**
   * Whether this singleton should watch a node it has not heard from: its status was posted by a
   * node agent (Ready reason KubeletReady) or by us. Nodes created through the API without an agent
   * are left alone until they heartbeat.
   */
  static boolean postedByAnAgent(ObjectNode node) {
    JsonNode ready = condition(node.path("status"), "Ready");
    if (ready == null) {
      return false;
    }
    String reason = ready.path("reason").asText("");
    return reason.equals(REASON_READY) || reason.equals(REASON_UNKNOWN);
  }

  /** The node's status with every condition Unknown (kube: "Kubelet stopped posting ..."). */
  static ObjectNode unknownStatus(ObjectNode status, Instant now) {
    ObjectNode out = status.deepCopy();
    String t = ObjectLifecycle.timestamp(now);
    JsonNode conditions = out.path("conditions");
    boolean sawReady = false;
    if (conditions instanceof ArrayNode list) {
      for (JsonNode c : list) {
        if (c instanceof ObjectNode cond) {
          sawReady |= cond.path("type").asText("").equals("Ready");
          if (!cond.path("status").asText("").equals("Unknown")) {
            cond.put("lastTransitionTime", t);
          }
          cond.put("status", "Unknown");
          cond.put("reason", REASON_UNKNOWN);
          cond.put("message", MESSAGE_UNKNOWN);
        }
      }
    }
    if (!sawReady) {
      ArrayNode list = conditions instanceof ArrayNode a ? a : out.putArray("conditions");
      ObjectNode cond = list.addObject();
      cond.put("type", "Ready");
      cond.put("status", "Unknown");
      cond.put("lastHeartbeatTime", t);
      cond.put("lastTransitionTime", t);
      cond.put("reason", REASON_UNKNOWN);
      cond.put("message", MESSAGE_UNKNOWN);
    }
    return out;
  }

  /** The node's status as its agent posts it when healthy: Ready=True, no pressure. */
  static ObjectNode readyStatus(ObjectNode status, Instant now) {
    ObjectNode out = status.deepCopy();
    String t = ObjectLifecycle.timestamp(now);
    if (out.path("conditions") instanceof ArrayNode list) {
      for (JsonNode c : list) {
        if (c instanceof ObjectNode cond) {
          String type = cond.path("type").asText("");
          String[] healthy =
              switch (type) {
                case "Ready" ->
                    new String[] {"True", REASON_READY, "kubelet is posting ready status"};
                case "MemoryPressure" ->
                    new String[] {
                      "False",
                      "KubeletHasSufficientMemory",
                      "kubelet has sufficient memory available"
                    };
                case "DiskPressure" ->
                    new String[] {
                      "False", "KubeletHasNoDiskPressure", "kubelet has no disk pressure"
                    };
                case "PIDPressure" ->
                    new String[] {
                      "False", "KubeletHasSufficientPID", "kubelet has sufficient PID available"
                    };
                default -> null;
              };
          if (healthy == null) {
            continue;
          }
          if (!cond.path("status").asText("").equals(healthy[0])) {
            cond.put("lastTransitionTime", t);
          }
          cond.put("status", healthy[0]);
          cond.put("reason", healthy[1]);
          cond.put("message", healthy[2]);
          cond.put("lastHeartbeatTime", t);
        }
      }
    }
    return out;
  }

  /** The spec with {@code unreachable:NoExecute} (timeAdded now) and {@code :NoSchedule}. */
  static ObjectNode withUnreachableTaints(ObjectNode spec, Instant now) {
    ObjectNode out = withoutUnreachableTaints(spec);
    ArrayNode taints = out.path("taints") instanceof ArrayNode a ? a : out.putArray("taints");
    taints
        .addObject()
        .put("key", TAINT_UNREACHABLE)
        .put("effect", "NoSchedule")
        .put("timeAdded", ObjectLifecycle.timestamp(now));
    taints
        .addObject()
        .put("key", TAINT_UNREACHABLE)
        .put("effect", "NoExecute")
        .put("timeAdded", ObjectLifecycle.timestamp(now));
    return out;
  }

  /** The spec without the unreachable taints (others kept, in order). */
  static ObjectNode withoutUnreachableTaints(ObjectNode spec) {
    ObjectNode out = spec.deepCopy();
    if (out.path("taints") instanceof ArrayNode taints) {
      ArrayNode kept = Json.MAPPER.createArrayNode();
      for (JsonNode t : taints) {
        if (!t.path("key").asText("").equals(TAINT_UNREACHABLE)) {
          kept.add(t);
        }
      }
      if (kept.isEmpty()) {
        out.remove("taints");
      } else {
        out.set("taints", kept);
      }
    }
    return out;
  }

  static boolean hasUnreachableTaint(JsonNode spec) {
    for (JsonNode t : spec.path("taints")) {
      if (t.path("key").asText("").equals(TAINT_UNREACHABLE)) {
        return true;
      }
    }
    return false;
  }

  /**
   * A pod's status with Ready=False (kube's MarkPodsNotReady), or empty when it is not Ready=True
   * (nothing to write).
   */
  static Optional<ObjectNode> podNotReady(ObjectNode podStatus, Instant now) {
    JsonNode ready = condition(podStatus, "Ready");
    if (ready == null || !ready.path("status").asText("").equals("True")) {
      return Optional.empty();
    }
    ObjectNode out = podStatus.deepCopy();
    ObjectNode cond = (ObjectNode) condition(out, "Ready");
    cond.put("status", "False");
    cond.put("lastTransitionTime", ObjectLifecycle.timestamp(now));
    cond.put("reason", "NodeNotReady");
    cond.put("message", "Node is not ready");
    return Optional.of(out);
  }

  private static JsonNode condition(JsonNode status, String type) {
    for (JsonNode c : status.path("conditions")) {
      if (c.path("type").asText("").equals(type)) {
        return c;
      }
    }
    return null;
  }
}
