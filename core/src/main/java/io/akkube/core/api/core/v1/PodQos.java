package io.akkube.core.api.core.v1;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.akkube.core.quantity.Quantity;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A pod's quality-of-service class, as pkg/apis/core/helper/qos.ComputePodQOS: only cpu and memory
 * count; Guaranteed when every app and init container has non-zero cpu and memory limits and the
 * summed requests equal the summed limits; BestEffort when nothing is requested or limited.
 */
public final class PodQos {

  public static final String GUARANTEED = "Guaranteed";
  public static final String BURSTABLE = "Burstable";
  public static final String BEST_EFFORT = "BestEffort";

  private static final Set<String> QOS_RESOURCES = Set.of("cpu", "memory");

  private PodQos() {}

  /** The qosClass of a pod whose spec has been defaulted (requests filled from limits). */
  public static String qosClass(JsonNode pod) {
    JsonNode spec = pod.path("spec");
    Map<String, Quantity> requests = new HashMap<>();
    Map<String, Quantity> limits = new HashMap<>();
    boolean guaranteed = true;
    List<ObjectNode> containers = Trees.objects(spec, "containers");
    containers.addAll(Trees.objects(spec, "initContainers"));
    for (ObjectNode c : containers) {
      JsonNode resources = c.path("resources");
      sumPositive(resources.path("requests"), requests);
      Set<String> limitsFound = sumPositive(resources.path("limits"), limits);
      if (!limitsFound.containsAll(QOS_RESOURCES)) {
        guaranteed = false;
      }
    }
    if (requests.isEmpty() && limits.isEmpty()) {
      return BEST_EFFORT;
    }
    if (guaranteed) {
      for (Map.Entry<String, Quantity> r : requests.entrySet()) {
        Quantity l = limits.get(r.getKey());
        if (l == null || l.compareTo(r.getValue()) != 0) {
          guaranteed = false;
          break;
        }
      }
    }
    return guaranteed && requests.size() == limits.size() ? GUARANTEED : BURSTABLE;
  }

  /** Adds the positive cpu/memory amounts of a resource list; returns the names it counted. */
  private static Set<String> sumPositive(JsonNode list, Map<String, Quantity> into) {
    Set<String> found = new HashSet<>();
    list.fields()
        .forEachRemaining(
            e -> {
              if (!QOS_RESOURCES.contains(e.getKey())
                  || Quantity.parseError(e.getValue()) != null) {
                return;
              }
              Quantity q = Quantity.fromJson(e.getValue());
              if (q.signum() > 0) {
                found.add(e.getKey());
                into.merge(e.getKey(), q, Quantity::add);
              }
            });
    return found;
  }
}
