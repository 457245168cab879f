package io.akkube.core.table;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.akkube.core.api.Json;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code Name, Ready, Status, Restarts, Age} and wide {@code IP, Node, Nominated Node, Readiness
 * Gates}, following printPod: Status is the phase, overridden by the status reason, init progress
 * ({@code Init:1/2}, {@code Init:CrashLoopBackOff}), the container's waiting or terminated reason,
 * and {@code Terminating} once deletion started; Restarts reads {@code 3 (45s ago)}.
 */
final class PodColumns implements ColumnSet {

  private static final String NODE_UNREACHABLE_REASON = "NodeLost";

  private static final List<Column> COLUMNS =
      List.of(
          Column.nameColumn(),
          Column.of(
              "Ready",
              "string",
              "The aggregate readiness state of this pod for accepting traffic."),
          Column.of("Status", "string", "The aggregate status of the containers in this pod."),
          Column.of(
              "Restarts",
              "string",
              "The number of times the containers in this pod have been restarted and when the"
                  + " last container in this pod has restarted."),
          Column.ageColumn(),
          Column.wide(
              "IP",
              "string",
              "podIP address allocated to the pod. Routable at least within the cluster. Empty if"
                  + " not yet allocated."),
          Column.wide(
              "Node",
              "string",
              "NodeName indicates in which node this pod is scheduled. If empty, this pod is a"
                  + " candidate for scheduling by the scheduler defined in schedulerName."),
          Column.wide(
              "Nominated Node",
              "string",
              "nominatedNodeName is set only when this pod preempts other pods on the node, but it"
                  + " cannot be scheduled right away as preemption victims receive their graceful"
                  + " termination periods."),
          Column.wide(
              "Readiness Gates",
              "string",
              "If specified, all readiness gates will be evaluated for pod readiness."));

  @Override
  public List<Column> columns() {
    return COLUMNS;
  }

  @Override
  public List<Object> cells(ObjectNode pod, Instant now) {
    Summary s = summarize(pod);
    String restarts = String.valueOf(s.restarts());
    if (s.restarts() != 0 && s.lastRestart() != null) {
      restarts =
          s.restarts()
              + " ("
              + HumanDuration.format(java.time.Duration.between(s.lastRestart(), now))
              + " ago)";
    }
    JsonNode spec = pod.path("spec");
    JsonNode status = pod.path("status");
    String ip = "";
    JsonNode ips = status.path("podIPs");
    if (ips.isArray() && ips.size() > 0) {
      ip = Json.text(ips.get(0), "ip");
    }
    return List.of(
        Json.name(pod),
        s.ready() + "/" + s.total(),
        s.reason(),
        restarts,
        Cells.age(pod, now),
        Cells.orElse(ip, "<none>"),
        Cells.orElse(Json.text(spec, "nodeName"), "<none>"),
        Cells.orElse(Json.text(status, "nominatedNodeName"), "<none>"),
        readinessGates(pod));
  }

  @Override
  public List<ObjectNode> conditions(ObjectNode pod) {
    String phase = Json.text(pod.get("status"), "phase");
    if (!phase.equals("Succeeded") && !phase.equals("Failed")) {
      return List.of();
    }
    ObjectNode c = Json.MAPPER.createObjectNode();
    c.put("type", "Completed");
    c.put("status", "True");
    c.put("reason", phase);
    c.put(
        "message",
        phase.equals("Succeeded") ? "The pod has completed successfully." : "The pod failed.");
    return List.of(c);
  }

  /** What printPod computes before formatting. */
  record Summary(int ready, int total, String reason, int restarts, Instant lastRestart) {}

  static Summary summarize(JsonNode pod) {
    JsonNode spec = pod.path("spec");
    JsonNode status = pod.path("status");
    int total = spec.path("containers").size();
    int ready = 0;
    int restarts = 0;
    int sidecarRestarts = 0;
    Instant lastRestart = null;
    Instant lastSidecarRestart = null;
    String phase = Json.text(status, "phase");
    String reason = Cells.orElse(Json.text(status, "reason"), phase);
    for (JsonNode c : status.path("conditions")) {
      if (c.path("type").asText().equals("PodScheduled")
          && c.path("reason").asText().equals("SchedulingGated")) {
        reason = "SchedulingGated";
      }
    }

    Map<String, Boolean> sidecars = new HashMap<>();
    JsonNode initSpecs = spec.path("initContainers");
    for (JsonNode c : initSpecs) {
      boolean sidecar = c.path("restartPolicy").asText().equals("Always");
      sidecars.put(Json.text(c, "name"), sidecar);
      if (sidecar) {
        total++;
      }
    }

    boolean initializing = false;
    JsonNode initStatuses = status.path("initContainerStatuses");
    for (int i = 0; i < initStatuses.size(); i++) {
      JsonNode c = initStatuses.get(i);
      int count = c.path("restartCount").asInt(0);
      restarts += count;
      Instant finished = lastTerminated(c);
      lastRestart = later(lastRestart, finished);
      boolean sidecar = sidecars.getOrDefault(Json.text(c, "name"), false);
      if (sidecar) {
        sidecarRestarts += count;
        lastSidecarRestart = later(lastSidecarRestart, finished);
      }
      JsonNode terminated = c.path("state").path("terminated");
      JsonNode waiting = c.path("state").path("waiting");
      if (terminated.isObject() && terminated.path("exitCode").asInt(0) == 0) {
        continue;
      }
      if (sidecar && c.path("started").asBoolean(false)) {
        if (c.path("ready").asBoolean(false)) {
          ready++;
        }
        continue;
      }
      if (terminated.isObject()) {
        String why = Json.text(terminated, "reason");
        if (why.isEmpty()) {
          int signal = terminated.path("signal").asInt(0);
          reason =
              signal != 0
                  ? "Init:Signal:" + signal
                  : "Init:ExitCode:" + terminated.path("exitCode").asInt(0);
        } else {
          reason = "Init:" + why;
        }
      } else if (waiting.isObject()
          && !Json.text(waiting, "reason").isEmpty()
          && !Json.text(waiting, "reason").equals("PodInitializing")) {
        reason = "Init:" + Json.text(waiting, "reason");
      } else {
        reason = "Init:" + i + "/" + initSpecs.size();
      }
      initializing = true;
      break;
    }

    if (!initializing || conditionTrue(status, "Initialized")) {
      restarts = sidecarRestarts;
      lastRestart = lastSidecarRestart;
      boolean hasRunning = false;
      JsonNode statuses = status.path("containerStatuses");
      for (int i = statuses.size() - 1; i >= 0; i--) {
        JsonNode c = statuses.get(i);
        restarts += c.path("restartCount").asInt(0);
        lastRestart = later(lastRestart, lastTerminated(c));
        JsonNode waiting = c.path("state").path("waiting");
        JsonNode terminated = c.path("state").path("terminated");
        if (waiting.isObject() && !Json.text(waiting, "reason").isEmpty()) {
          reason = Json.text(waiting, "reason");
        } else if (terminated.isObject() && !Json.text(terminated, "reason").isEmpty()) {
          reason = Json.text(terminated, "reason");
        } else if (terminated.isObject()) {
          int signal = terminated.path("signal").asInt(0);
          reason =
              signal != 0 ? "Signal:" + signal : "ExitCode:" + terminated.path("exitCode").asInt(0);
        } else if (c.path("ready").asBoolean(false) && c.path("state").path("running").isObject()) {
          hasRunning = true;
          ready++;
        }
      }
      if (reason.equals("Completed") && hasRunning) {
        reason = conditionTrue(status, "Ready") ? "Running" : "NotReady";
      }
    }

    boolean deleting = !Json.metaText(pod, "deletionTimestamp").isEmpty();
    if (deleting && Json.text(status, "reason").equals(NODE_UNREACHABLE_REASON)) {
      reason = "Unknown";
    } else if (deleting && !phase.equals("Succeeded") && !phase.equals("Failed")) {
      reason = "Terminating";
    }
    return new Summary(ready, total, reason, restarts, lastRestart);
  }

  private static String readinessGates(JsonNode pod) {
    JsonNode gates = pod.path("spec").path("readinessGates");
    if (!gates.isArray() || gates.isEmpty()) {
      return "<none>";
    }
    int trueConditions = 0;
    for (JsonNode gate : gates) {
      String type = Json.text(gate, "conditionType");
      for (JsonNode c : pod.path("status").path("conditions")) {
        if (c.path("type").asText().equals(type)) {
          if (c.path("status").asText().equals("True")) {
            trueConditions++;
          }
          break;
        }
      }
    }
    return trueConditions + "/" + gates.size();
  }

  private static boolean conditionTrue(JsonNode status, String type) {
    for (JsonNode c : status.path("conditions")) {
      if (c.path("type").asText().equals(type)) {
        return c.path("status").asText().equals("True");
      }
    }
    return false;
  }

  private static Instant lastTerminated(JsonNode containerStatus) {
    String finished = Json.text(containerStatus.path("lastState").path("terminated"), "finishedAt");
    if (finished.isEmpty()) {
      return null;
    }
    try {
      return OffsetDateTime.parse(finished).toInstant();
    } catch (DateTimeParseException e) {
      return null;
    }
  }

  private static Instant later(Instant a, Instant b) {
    if (a == null) {
      return b;
    }
    return b != null && b.isAfter(a) ? b : a;
  }
}
