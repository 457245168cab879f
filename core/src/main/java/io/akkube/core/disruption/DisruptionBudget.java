package io.akkube.core.disruption;

import com.fasterxml.jackson.databind.JsonNode;
import io.akkube.core.api.Json;
import io.akkube.core.selection.LabelSelector;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The status of a PodDisruptionBudget, as the disruption controller computes it: the pods its
 * selector picks in its namespace, how many of them are healthy (Ready, not being deleted, not
 * recently evicted), how many must stay healthy, and so how many may be disrupted now.
 *
 * <p>kube takes the expected count of a percentage or maxUnavailable budget from the scale of the
 * pods' controllers; here it is the number of selected pods.
 */
public record DisruptionBudget(
    int expectedPods, int currentHealthy, int desiredHealthy, int disruptionsAllowed) {

  /** DeletionTimeout: an evicted pod counts as disrupted for at most this long. */
  public static final Duration DISRUPTED_POD_TIMEOUT = Duration.ofMinutes(2);

  /** Whether the budget's selector picks {@code pod} (same namespace; a null selector: none). */
  public static boolean selects(JsonNode pdb, JsonNode pod) {
    if (!Json.namespace(pdb).equals(Json.namespace(pod))) {
      return false;
    }
    try {
      return LabelSelector.fromJson(pdb.path("spec").get("selector")).matches(Json.labels(pod));
    } catch (RuntimeException invalid) {
      return false;
    }
  }

  /**
   * The budget over {@code pods} (any pods; those it does not select are ignored), with the pods of
   * status.disruptedPods evicted less than {@link #DISRUPTED_POD_TIMEOUT} before {@code now} not
   * counted as healthy.
   */
  public static DisruptionBudget of(JsonNode pdb, List<? extends JsonNode> pods, Instant now) {
    Map<String, Instant> disrupted = disruptedPods(pdb, now);
    int expected = 0;
    int healthy = 0;
    for (JsonNode pod : pods) {
      if (!selects(pdb, pod)) {
        continue;
      }
      expected++;
      if (isHealthy(pod) && !disrupted.containsKey(Json.name(pod))) {
        healthy++;
      }
    }
    JsonNode spec = pdb.path("spec");
    int desired;
    if (spec.hasNonNull("maxUnavailable")) {
      desired = Math.max(0, expected - scaled(spec.get("maxUnavailable"), expected, true));
    } else if (spec.hasNonNull("minAvailable")) {
      desired = scaled(spec.get("minAvailable"), expected, true);
    } else {
      desired = expected; // validation requires one of them; nothing may be disrupted
    }
    int allowed = expected > 0 ? Math.max(0, healthy - desired) : 0;
    return new DisruptionBudget(expected, healthy, desired, allowed);
  }

  /** status.disruptedPods entries not yet expired, by pod name. */
  public static Map<String, Instant> disruptedPods(JsonNode pdb, Instant now) {
    Map<String, Instant> out = new TreeMap<>();
    pdb.path("status")
        .path("disruptedPods")
        .fields()
        .forEachRemaining(
            e -> {
              try {
                Instant at = Instant.parse(e.getValue().asText());
                if (at.plus(DISRUPTED_POD_TIMEOUT).isAfter(now)) {
                  out.put(e.getKey(), at);
                }
              } catch (DateTimeParseException ignored) {
                // not a timestamp: treated as expired
              }
            });
    return out;
  }

  /** podutil.IsPodReady without a deletion in progress: what counts as a healthy pod. */
  public static boolean isHealthy(JsonNode pod) {
    if (pod.path("metadata").hasNonNull("deletionTimestamp")) {
      return false;
    }
    for (JsonNode c : pod.path("status").path("conditions")) {
      if (c.path("type").asText().equals("Ready")) {
        return c.path("status").asText().equals("True");
      }
    }
    return false;
  }

  /** intstr.GetScaledValueFromIntOrPercent. */
  static int scaled(JsonNode value, int total, boolean roundUp) {
    if (value.isNumber()) {
      return value.asInt();
    }
    String s = value.asText().trim();
    if (!s.endsWith("%")) {
      try {
        return Integer.parseInt(s);
      } catch (NumberFormatException e) {
        return 0;
      }
    }
    int percent;
    try {
      percent = Integer.parseInt(s.substring(0, s.length() - 1));
    } catch (NumberFormatException e) {
      return 0;
    }
    long product = (long) percent * total;
    return (int) (roundUp ? (product + 99) / 100 : product / 100);
  }
}
