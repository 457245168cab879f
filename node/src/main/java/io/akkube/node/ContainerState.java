package io.akkube.node;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.akkube.core.api.Json;
import io.akkube.core.object.ObjectLifecycle;
import java.time.Instant;

/** core/v1 ContainerState: exactly one of waiting, running, terminated. */
public sealed interface ContainerState {

  record Waiting(String reason, String message) implements ContainerState {}

  record Running(Instant startedAt) implements ContainerState {}

  record Terminated(
      int exitCode,
      String reason,
      String message,
      Instant startedAt,
      Instant finishedAt,
      String containerId)
      implements ContainerState {}

  default ObjectNode toJson() {
    ObjectNode out = Json.MAPPER.createObjectNode();
    if (this instanceof Waiting w) {
      ObjectNode o = out.putObject("waiting");
      if (!w.reason().isEmpty()) {
        o.put("reason", w.reason());
      }
      if (!w.message().isEmpty()) {
        o.put("message", w.message());
      }
    } else if (this instanceof Running r) {
      out.putObject("running").put("startedAt", ts(r.startedAt()));
    } else if (this instanceof Terminated t) {
      ObjectNode o = out.putObject("terminated");
      o.put("exitCode", t.exitCode());
      if (!t.reason().isEmpty()) {
        o.put("reason", t.reason());
      }
      if (!t.message().isEmpty()) {
        o.put("message", t.message());
      }
      if (t.startedAt() != null) {
        o.put("startedAt", ts(t.startedAt()));
      }
      if (t.finishedAt() != null) {
        o.put("finishedAt", ts(t.finishedAt()));
      }
      if (!t.containerId().isEmpty()) {
        o.put("containerID", t.containerId());
      }
    }
    return out;
  }

  private static String ts(Instant t) {
    return ObjectLifecycle.timestamp(t);
  }
}
