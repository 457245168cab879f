package io.akkube.core.controller;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.Optional;

/**
 * What controllers read from a pod's status (k8s.io/kubernetes/pkg/api/v1/pod and pkg/controller's
 * IsPodActive): active, ready, ready since when, available after minReadySeconds.
 */
public final class PodReadiness {

  private PodReadiness() {}

  /**
   * Not finished (Succeeded/Failed) and not being deleted: counts toward a controller's replicas.
   */
  public static boolean isActive(JsonNode pod) {
    String phase = phase(pod);
    return !"Succeeded".equals(phase)
        && !"Failed".equals(phase)
        && !pod.path("metadata").has("deletionTimestamp");
  }

  public static String phase(JsonNode pod) {
    return pod.path("status").path("phase").asText("");
  }

  public static boolean isReady(JsonNode pod) {
    return readyCondition(pod).map(c -> "True".equals(c.path("status").asText())).orElse(false);
  }

  /** lastTransitionTime of the Ready condition of a ready pod; empty when not ready or unknown. */
  public static Optional<Instant> readySince(JsonNode pod) {
    if (!isReady(pod)) {
      return Optional.empty();
    }
    return readyCondition(pod).flatMap(c -> time(c.path("lastTransitionTime").asText("")));
  }

  /** Ready for at least {@code minReadySeconds} (IsPodAvailable). */
  public static boolean isAvailable(JsonNode pod, long minReadySeconds, Instant now) {
    if (!isReady(pod)) {
      return false;
    }
    if (minReadySeconds == 0) {
      return true;
    }
    return readySince(pod).map(t -> t.plusSeconds(minReadySeconds).isBefore(now)).orElse(false);
  }

  /** The highest restartCount of the pod's containers (and restartable init containers). */
  public static int maxContainerRestarts(JsonNode pod) {
    int max = 0;
    for (JsonNode s : pod.path("status").path("containerStatuses")) {
      max = Math.max(max, s.path("restartCount").asInt(0));
    }
    for (JsonNode s : pod.path("status").path("initContainerStatuses")) {
      if (isSidecar(pod, s.path("name").asText())) {
        max = Math.max(max, s.path("restartCount").asInt(0));
      }
    }
    return max;
  }

  public static Optional<Instant> time(String rfc3339) {
    if (rfc3339.isEmpty()) {
      return Optional.empty();
    }
    try {
      return Optional.of(Instant.parse(rfc3339));
    } catch (DateTimeParseException e) {
      return Optional.empty();
    }
  }

  private static boolean isSidecar(JsonNode pod, String name) {
    for (JsonNode c : pod.path("spec").path("initContainers")) {
      if (name.equals(c.path("name").asText())) {
        return "Always".equals(c.path("restartPolicy").asText());
      }
    }
    return false;
  }

  private static Optional<JsonNode> readyCondition(JsonNode pod) {
    for (JsonNode c : pod.path("status").path("conditions")) {
      if ("Ready".equals(c.path("type").asText())) {
        return Optional.of(c);
      }
    }
    return Optional.empty();
  }
}
