package io.akkube.node.stats;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.akkube.core.stats.Summary;
import io.akkube.core.stats.Summary.PodStats;
import io.akkube.node.runtime.ContainerRuntime.ContainerHandle;
import io.akkube.node.runtime.ContainerRuntime.ResourceUsage;
import io.akkube.node.stats.UsageHistory.Reading;
import io.akkube.node.stats.UsageHistory.Window;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class SummaryProviderTest {

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Instant T0 = Instant.parse("2026-01-01T00:00:00Z");
  private static final Instant T1 = T0.plusSeconds(2);

  private static final ContainerHandle WEB =
      new ContainerHandle("c1", "uid-1", "web", 0, 10, T0.minusSeconds(60));
  private static final ContainerHandle SIDECAR =
      new ContainerHandle("c2", "uid-1", "sidecar", 0, 11, T0.minusSeconds(50));
  private static final ContainerHandle NEW = new ContainerHandle("c3", "uid-1", "new", 0, 12, T0);
  private static final ContainerHandle ORPHAN =
      new ContainerHandle("c4", "uid-gone", "app", 0, 13, T0);

  private static Reading reading(Instant time, long nodeCpu, Map<ContainerHandle, Long> cpu) {
    HostUsage host = new HostUsage(time, T0.minusSeconds(3600), nodeCpu, 8000, 5000, 3000, 2000);
    Map<String, ContainerHandle> handles = new java.util.HashMap<>();
    Map<String, ResourceUsage> usage = new java.util.HashMap<>();
    cpu.forEach(
        (h, ns) -> {
          handles.put(h.id(), h);
          usage.put(h.id(), new ResourceUsage(time, ns, 1000, 600));
        });
    return new Reading(time, host, handles, usage);
  }

  private static JsonNode pod(String name, String uid) throws Exception {
    return JSON.readTree(
        """
        {"metadata": {"name": "%s", "namespace": "default", "uid": "%s"},
         "status": {"startTime": "2025-12-31T23:58:00Z"}}
        """
            .formatted(name, uid));
  }

  @Test
  void podsAreTheSumOfTheirContainersAndRatesNeedBothReadings() throws Exception {
    Window window =
        new Window(
            reading(T0, 10_000_000_000L, Map.of(WEB, 1_000_000_000L, SIDECAR, 0L)),
            reading(
                T1,
                13_000_000_000L,
                Map.of(WEB, 2_000_000_000L, SIDECAR, 0L, NEW, 7L, ORPHAN, 5L)));
    Summary summary = SummaryProvider.build("n1", window, List.of(pod("web", "uid-1")));

    assertThat(summary.node().nodeName()).isEqualTo("n1");
    assertThat(summary.node().startTime()).isEqualTo("2025-12-31T23:00:00Z");
    assertThat(summary.node().cpu().usageNanoCores()).isEqualTo(1_500_000_000L);
    assertThat(summary.node().memory().workingSetBytes()).isEqualTo(3000L);
    assertThat(summary.node().memory().availableBytes()).isEqualTo(5000L);

    // the orphan's pod is not in the API: left out
    assertThat(summary.pods()).hasSize(1);
    PodStats pod = summary.pods().get(0);
    assertThat(pod.podRef()).isEqualTo(new Summary.PodReference("web", "default", "uid-1"));
    assertThat(pod.startTime()).isEqualTo("2025-12-31T23:58:00Z");
    assertThat(pod.containers())
        .extracting(Summary.ContainerStats::name)
        .containsExactly("new", "sidecar", "web");
    Summary.ContainerStats web = pod.containers().get(2);
    assertThat(web.cpu().usageNanoCores()).isEqualTo(500_000_000L);
    assertThat(web.cpu().usageCoreNanoSeconds()).isEqualTo(2_000_000_000L);
    assertThat(web.memory().workingSetBytes()).isEqualTo(600L);
    assertThat(web.startTime()).isEqualTo("2025-12-31T23:59:00Z");
    // "new" was not in the base reading: no rate, and so none for the pod
    assertThat(pod.containers().get(0).cpu().usageNanoCores()).isNull();
    assertThat(pod.cpu().usageNanoCores()).isNull();
    assertThat(pod.cpu().usageCoreNanoSeconds()).isEqualTo(2_000_000_007L);
    assertThat(pod.memory().workingSetBytes()).isEqualTo(1800L);
  }

  @Test
  void theJsonHasTheKubeletsFieldNamesAndOmitsWhatIsUnknown() throws Exception {
    Window window =
        new Window(
            reading(T0, 0, Map.of(WEB, 0L)), reading(T1, 2_000_000_000L, Map.of(WEB, 1_000L)));
    JsonNode json =
        JSON.valueToTree(SummaryProvider.build("n1", window, List.of(pod("web", "uid-1"))));
    assertThat(json.path("node").path("cpu").path("usageNanoCores").asLong())
        .isEqualTo(1_000_000_000L);
    assertThat(json.path("node").path("cpu").path("time").asText())
        .isEqualTo("2026-01-01T00:00:02Z");
    JsonNode container = json.path("pods").get(0).path("containers").get(0);
    assertThat(container.path("name").asText()).isEqualTo("web");
    assertThat(container.path("memory").has("workingSetBytes")).isTrue();
    assertThat(container.path("memory").has("availableBytes")).isFalse();
    assertThat(container.path("memory").has("rssBytes")).isFalse();
    assertThat(json.path("pods").get(0).path("podRef").path("uid").asText()).isEqualTo("uid-1");
  }
}
