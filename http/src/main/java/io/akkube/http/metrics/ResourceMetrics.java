package io.akkube.http.metrics;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.akkube.core.api.Json;
import io.akkube.core.quantity.Quantity;
import io.akkube.core.stats.NodeSummaries.Sample;
import io.akkube.core.stats.Summary.ContainerStats;
import io.akkube.core.stats.Summary.CpuStats;
import io.akkube.core.stats.Summary.MemoryStats;
import io.akkube.core.stats.Summary.PodStats;
import io.akkube.http.protobuf.GoDuration;
import java.math.BigDecimal;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

/**
 * metrics.k8s.io/v1beta1 NodeMetrics and PodMetrics from a node's stats summary, as metrics-server
 * makes them: CPU is {@code usageNanoCores} (a quantity in nanocores), memory the working set (a
 * binary quantity); a node or pod with a figure missing (no rate yet) has no metrics.
 */
final class ResourceMetrics {

  static final String API_VERSION = "metrics.k8s.io/v1beta1";

  private ResourceMetrics() {}

  /** The NodeMetrics of {@code node} (the Node object), if its summary has both figures. */
  static Optional<ObjectNode> node(JsonNode node, Sample sample) {
    CpuStats cpu = sample.summary().node().cpu();
    MemoryStats memory = sample.summary().node().memory();
    if (!complete(cpu, memory)) {
      return Optional.empty();
    }
    ObjectNode m = object("NodeMetrics", node, cpu.time(), sample.window());
    m.set("usage", usage(cpu, memory));
    return Optional.of(m);
  }

  /** The PodMetrics of {@code pod} (the Pod object), if every container has both figures. */
  static Optional<ObjectNode> pod(JsonNode pod, PodStats stats, Duration window) {
    if (stats.containers().stream().anyMatch(c -> !complete(c.cpu(), c.memory()))) {
      return Optional.empty();
    }
    ObjectNode m = object("PodMetrics", pod, stats.cpu().time(), window);
    ArrayNode containers = m.putArray("containers");
    for (ContainerStats c : stats.containers()) {
      ObjectNode container = containers.addObject();
      container.put("name", c.name());
      container.set("usage", usage(c.cpu(), c.memory()));
    }
    return Optional.of(m);
  }

  static ObjectNode list(String kind, List<ObjectNode> items) {
    ObjectNode list = Json.MAPPER.createObjectNode();
    list.put("kind", kind);
    list.put("apiVersion", API_VERSION);
    list.putObject("metadata");
    list.putArray("items").addAll(items);
    return list;
  }

  private static boolean complete(CpuStats cpu, MemoryStats memory) {
    return cpu != null
        && cpu.usageNanoCores() != null
        && memory != null
        && memory.workingSetBytes() != null;
  }

  /** kind, apiVersion, the object's name, namespace and labels, when and over what window. */
  private static ObjectNode object(String kind, JsonNode of, String time, Duration window) {
    ObjectNode m = Json.MAPPER.createObjectNode();
    m.put("kind", kind);
    m.put("apiVersion", API_VERSION);
    ObjectNode meta = m.putObject("metadata");
    JsonNode source = of.path("metadata");
    meta.put("name", Json.text(source, "name"));
    if (source.has("namespace")) {
      meta.put("namespace", Json.text(source, "namespace"));
    }
    meta.put("creationTimestamp", time);
    if (source.path("labels").isObject()) {
      meta.set("labels", source.get("labels").deepCopy());
    }
    m.put("timestamp", time);
    m.put("window", GoDuration.format(window.toNanos()));
    return m;
  }

  private static ObjectNode usage(CpuStats cpu, MemoryStats memory) {
    ObjectNode usage = Json.MAPPER.createObjectNode();
    usage.put(
        "cpu",
        new Quantity(BigDecimal.valueOf(cpu.usageNanoCores(), 9), Quantity.Format.DECIMAL_SI)
            .toString());
    usage.put(
        "memory",
        new Quantity(BigDecimal.valueOf(memory.workingSetBytes()), Quantity.Format.BINARY_SI)
            .toString());
    return usage;
  }
}
