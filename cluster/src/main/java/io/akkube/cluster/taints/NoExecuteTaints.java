package io.akkube.cluster.taints;

import com.fasterxml.jackson.databind.JsonNode;
import io.akkube.core.api.Json;
import io.akkube.core.scheduling.model.Taint;
import io.akkube.core.scheduling.model.Toleration;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

/**
 * The NoExecute rule of kube's taint eviction controller, as a pure function: a pod on a node with
 * NoExecute taints is evicted at once if it does not tolerate one of them, after the shortest
 * tolerationSeconds of the tolerations it uses if it tolerates them all, and never if all those
 * tolerations are unbounded.
 */
final class NoExecuteTaints {

  private NoExecuteTaints() {}

  /** How long until the pod must go; empty if it may stay. */
  static Optional<Duration> evictionDelay(JsonNode podTolerations, List<Taint> nodeTaints) {
    List<Taint> noExecute =
        nodeTaints.stream().filter(t -> Taint.NO_EXECUTE.equals(t.effect())).toList();
    if (noExecute.isEmpty()) {
      return Optional.empty();
    }
    Duration shortest = null;
    for (Taint taint : noExecute) {
      Duration forThisTaint = null;
      boolean tolerated = false;
      for (JsonNode t : podTolerations) {
        Toleration toleration =
            new Toleration(
                Json.text(t, "key"),
                Json.text(t, "operator"),
                Json.text(t, "value"),
                Json.text(t, "effect"));
        if (!toleration.tolerates(taint)) {
          continue;
        }
        tolerated = true;
        // Unbounded when tolerationSeconds is absent; zero or negative means evict at once.
        Duration d =
            t.hasNonNull("tolerationSeconds")
                ? Duration.ofSeconds(Math.max(0, t.get("tolerationSeconds").asLong()))
                : null;
        if (d == null) {
          forThisTaint = null;
          break;
        }
        forThisTaint = forThisTaint == null || d.compareTo(forThisTaint) > 0 ? d : forThisTaint;
      }
      if (!tolerated) {
        return Optional.of(Duration.ZERO);
      }
      if (forThisTaint != null && (shortest == null || forThisTaint.compareTo(shortest) < 0)) {
        shortest = forThisTaint;
      }
    }
    return Optional.ofNullable(shortest);
  }
}
