package io.akkube.core.stats;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;

/**
 * The kubelet's Summary API ({@code GET /stats/summary}, reached as {@code
 * /api/v1/nodes/<node>/proxy/stats/summary}), in the shape and with the field names of
 * k8s.io/kubelet pkg/apis/stats/v1alpha1 types.go: node-level and per-pod CPU and memory, the
 * fields akkube measures. Plain data, serialised by Jackson; an absent value is null (omitted).
 * Times are metav1.Time strings (RFC 3339, seconds).
 */
public record Summary(NodeStats node, List<PodStats> pods) {

  public Summary {
    pods = List.copyOf(pods);
  }

  /** The machine's use as a whole. */
  public record NodeStats(String nodeName, String startTime, CpuStats cpu, MemoryStats memory) {}

  /** A pod's use: the sum of its containers'. */
  public record PodStats(
      PodReference podRef,
      String startTime,
      List<ContainerStats> containers,
      CpuStats cpu,
      MemoryStats memory) {
    public PodStats {
      containers = List.copyOf(containers);
    }
  }

  public record ContainerStats(String name, String startTime, CpuStats cpu, MemoryStats memory) {}

  public record PodReference(String name, String namespace, String uid) {}

  /**
   * {@code usageNanoCores} averaged over the sample window, {@code usageCoreNanoSeconds} cumulative
   * since the container (or machine) started.
   */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  public record CpuStats(String time, Long usageNanoCores, Long usageCoreNanoSeconds) {}

  /** {@code availableBytes} is limit (or capacity) minus working set, absent without a limit. */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  public record MemoryStats(
      String time, Long availableBytes, Long usageBytes, Long workingSetBytes, Long rssBytes) {}

  /** metav1.Time as it is serialised. */
  public static String time(Instant instant) {
    return instant.truncatedTo(ChronoUnit.SECONDS).toString();
  }
}
