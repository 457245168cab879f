package io.akkube.core.controller;

import com.fasterxml.jackson.databind.JsonNode;
import io.akkube.core.api.Json;
import java.time.Instant;
import java.util.Comparator;
import java.util.Map;
import java.util.Optional;

/**
 * Kubernetes' ActivePods order (pkg/controller/controller_utils.go): the pods a controller deletes
 * first come first. Unassigned before assigned; Pending before Unknown before Running; not ready
 * before ready; ready for less time before ready for longer; more restarts before fewer; newer
 * before older (an absent time sorts first).
 */
public final class ActivePods {

  private static final Map<String, Integer> PHASE_ORDINAL =
      Map.of("Pending", 0, "Unknown", 1, "Running", 2);

  /** Deletion order: the first pod is the best one to delete. */
  public static final Comparator<JsonNode> DELETION_ORDER =
      (a, b) -> less(a, b) ? -1 : less(b, a) ? 1 : 0;

  private ActivePods() {}

  static boolean less(JsonNode a, JsonNode b) {
    String nodeA = a.path("spec").path("nodeName").asText("");
    String nodeB = b.path("spec").path("nodeName").asText("");
    if (!nodeA.equals(nodeB) && (nodeA.isEmpty() || nodeB.isEmpty())) {
      return nodeA.isEmpty();
    }
    int phaseA = PHASE_ORDINAL.getOrDefault(PodReadiness.phase(a), 0);
    int phaseB = PHASE_ORDINAL.getOrDefault(PodReadiness.phase(b), 0);
    if (phaseA != phaseB) {
      return phaseA < phaseB;
    }
    boolean readyA = PodReadiness.isReady(a);
    boolean readyB = PodReadiness.isReady(b);
    if (readyA != readyB) {
      return !readyA;
    }
    if (readyA) {
      Optional<Instant> sinceA = PodReadiness.readySince(a);
      Optional<Instant> sinceB = PodReadiness.readySince(b);
      if (!sinceA.equals(sinceB)) {
        return afterOrZero(sinceA, sinceB);
      }
    }
    int restartsA = PodReadiness.maxContainerRestarts(a);
    int restartsB = PodReadiness.maxContainerRestarts(b);
    if (restartsA != restartsB) {
      return restartsA > restartsB;
    }
    Optional<Instant> createdA = PodReadiness.time(Json.metaText(a, "creationTimestamp"));
    Optional<Instant> createdB = PodReadiness.time(Json.metaText(b, "creationTimestamp"));
    if (!createdA.equals(createdB)) {
      return afterOrZero(createdA, createdB);
    }
    return false;
  }

  /** An absent time is "earliest"; otherwise the later time sorts first. */
  private static boolean afterOrZero(Optional<Instant> a, Optional<Instant> b) {
    if (a.isEmpty() || b.isEmpty()) {
      return a.isEmpty();
    }
    return a.get().isAfter(b.get());
  }
}
