package io.akkube.http.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.akkube.core.stats.NodeSummaries.Sample;
import io.akkube.core.stats.Summary;
import io.akkube.core.stats.Summary.ContainerStats;
import io.akkube.core.stats.Summary.CpuStats;
import io.akkube.core.stats.Summary.MemoryStats;
import io.akkube.core.stats.Summary.PodStats;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

class ResourceMetricsTest {

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String TIME = "2026-01-01T00:00:02Z";

  private static ContainerStats container(String name, Long nanoCores, long workingSet) {
    return new ContainerStats(
        name,
        TIME,
        new CpuStats(TIME, nanoCores, 1L),
        new MemoryStats(TIME, null, workingSet, workingSet, null));
  }

  private static PodStats pod(List<ContainerStats> containers) {
    return new PodStats(
        new Summary.PodReference("web", "default", "uid-1"),
        TIME,
        containers,
        new CpuStats(TIME, null, 1L),
        new MemoryStats(TIME, null, 1L, 1L, null));
  }

  @Test
  void podMetricsAreNanocoresAndBinaryBytesPerContainerWithThePodsLabels() throws Exception {
    JsonNode object =
        JSON.readTree(
            "{\"metadata\":{\"name\":\"web\",\"namespace\":\"default\",\"labels\":{\"app\":\"web\"}}}");
    ObjectNode m =
        ResourceMetrics.pod(
                object,
                pod(List.of(container("app", 190_254_420L, 651_264), container("idle", 0L, 0))),
                Duration.ofMillis(10_500))
            .orElseThrow();
    assertThat(m.path("kind").asText()).isEqualTo("PodMetrics");
    assertThat(m.path("apiVersion").asText()).isEqualTo("metrics.k8s.io/v1beta1");
    assertThat(m.path("metadata").path("namespace").asText()).isEqualTo("default");
    assertThat(m.path("metadata").path("labels").path("app").asText()).isEqualTo("web");
    assertThat(m.path("timestamp").asText()).isEqualTo(TIME);
    assertThat(m.path("window").asText()).isEqualTo("10.5s");
    JsonNode app = m.path("containers").get(0);
    assertThat(app.path("name").asText()).isEqualTo("app");
    assertThat(app.path("usage").path("cpu").asText()).isEqualTo("190254420n");
    assertThat(app.path("usage").path("memory").asText()).isEqualTo("636Ki");
    assertThat(m.path("containers").get(1).path("usage").path("cpu").asText()).isEqualTo("0");
  }

  @Test
  void withoutARateThereAreNoMetrics() throws Exception {
    JsonNode object = JSON.readTree("{\"metadata\":{\"name\":\"web\",\"namespace\":\"default\"}}");
    assertThat(
            ResourceMetrics.pod(
                object, pod(List.of(container("app", null, 1))), Duration.ofSeconds(1)))
        .isEmpty();
    Summary noRate =
        new Summary(
            new Summary.NodeStats(
                "n1", TIME, new CpuStats(TIME, null, 5L), new MemoryStats(TIME, 1L, 2L, 2L, 1L)),
            List.of());
    assertThat(
            ResourceMetrics.node(
                JSON.readTree("{\"metadata\":{\"name\":\"n1\"}}"),
                new Sample(noRate, Duration.ofSeconds(1))))
        .isEmpty();
  }

  @Test
  void nodeMetricsCarryTheNodesCpuAndWorkingSet() throws Exception {
    Summary summary =
        new Summary(
            new Summary.NodeStats(
                "n1",
                TIME,
                new CpuStats(TIME, 2_004_000_000L, 5L),
                new MemoryStats(TIME, 1L, 8L << 30, 6_820_000_000L, 1L)),
            List.of());
    ObjectNode m =
        ResourceMetrics.node(
                JSON.readTree("{\"metadata\":{\"name\":\"n1\",\"labels\":{\"a\":\"b\"}}}"),
                new Sample(summary, Duration.ofSeconds(1)))
            .orElseThrow();
    assertThat(m.path("kind").asText()).isEqualTo("NodeMetrics");
    assertThat(m.path("metadata").has("namespace")).isFalse();
    assertThat(m.path("usage").path("cpu").asText()).isEqualTo("2004m");
    assertThat(m.path("usage").path("memory").asText()).isEqualTo("6820000000");
    assertThat(ResourceMetrics.list("NodeMetricsList", List.of(m)).path("items")).hasSize(1);
  }
}
