package io.akkube.node.runtime.docker;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.github.dockerjava.api.model.Statistics;
import io.akkube.node.runtime.ContainerRuntime.ResourceUsage;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class EngineStatsTest {

  private static final ObjectMapper JSON =
      new ObjectMapper().configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, false);
  private static final Instant NOW = Instant.parse("2026-01-01T00:00:00Z");

  @Test
  void podmansReadingGivesCumulativeCpuAndItsUsageAsTheWorkingSet() throws Exception {
    // GET /v1.41/containers/{id}/stats?stream=false from Podman 4 on cgroup v1 (trimmed)
    Statistics s =
        JSON.readValue(
            """
            {"read":"2026-11-22T01:23:12.911996829Z","preread":"0001-01-01T00:00:00Z",
             "cpu_stats":{"cpu_usage":{"total_usage":615640203,"percpu_usage":[372898651,242741552],
               "usage_in_kernelmode":16000000,"usage_in_usermode":599640203},
               "system_cpu_usage":17910321655177,"online_cpus":2},
             "precpu_stats":{"cpu_usage":{"total_usage":0}},
             "memory_stats":{"usage":253952,"limit":25276502016}}
            """,
            Statistics.class);
    ResourceUsage usage = EngineStats.usage(s, NOW).orElseThrow();
    assertThat(usage.time()).isEqualTo(Instant.parse("2026-11-22T01:23:12.911996829Z"));
    assertThat(usage.cpuCoreNanoSeconds()).isEqualTo(615640203L);
    assertThat(usage.memoryUsageBytes()).isEqualTo(253952L);
    assertThat(usage.memoryWorkingSetBytes()).isEqualTo(253952L);
  }

  @Test
  void dockersInactiveFileCacheIsNotWorkingSet() throws Exception {
    Statistics v1 =
        JSON.readValue(
            """
            {"read":"2026-01-01T00:00:01Z","cpu_stats":{"cpu_usage":{"total_usage":5}},
             "memory_stats":{"usage":10000,"stats":{"total_inactive_file":4000,"cache":6000}}}
            """,
            Statistics.class);
    assertThat(EngineStats.usage(v1, NOW).orElseThrow().memoryWorkingSetBytes()).isEqualTo(6000);
    Statistics v2 =
        JSON.readValue(
            """
            {"read":"2026-01-01T00:00:01Z","cpu_stats":{"cpu_usage":{"total_usage":5}},
             "memory_stats":{"usage":10000,"stats":{"inactive_file":1000}}}
            """,
            Statistics.class);
    assertThat(EngineStats.usage(v2, NOW).orElseThrow().memoryWorkingSetBytes()).isEqualTo(9000);
  }

  @Test
  void aContainerThatEndedHasNoReading() throws Exception {
    Statistics ended =
        JSON.readValue("{\"read\":\"0001-01-01T00:00:00Z\",\"memory_stats\":{}}", Statistics.class);
    assertThat(EngineStats.usage(ended, NOW)).isEmpty();
  }
}
