package io.akkube.node.runtime.docker;

import com.github.dockerjava.api.DockerClient;
import com.github.dockerjava.api.async.ResultCallback;
import com.github.dockerjava.api.model.CpuStatsConfig;
import com.github.dockerjava.api.model.MemoryStatsConfig;
import com.github.dockerjava.api.model.Statistics;
import com.github.dockerjava.api.model.StatsConfig;
import io.akkube.node.runtime.ContainerRuntime.ResourceUsage;
import java.io.IOException;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

/**
 * A container's use as the engine measures it: one {@code GET /containers/{id}/stats?stream=false}
 * (cumulative CPU time and memory from the container's cgroup). The rate over a window is the
 * caller's: Podman leaves {@code precpu_stats} empty, so two readings are compared, not one.
 */
final class EngineStats {

  private EngineStats() {}

  /** One reading; empty when the container is gone or the engine does not answer in time. */
  static Optional<ResourceUsage> read(DockerClient engine, String containerId, Instant now) {
    AtomicReference<Statistics> first = new AtomicReference<>();
    ResultCallback.Adapter<Statistics> callback =
        new ResultCallback.Adapter<>() {
          @Override
          public void onNext(Statistics s) {
            first.compareAndSet(null, s);
          }
        };
    try (callback) {
      engine.statsCmd(containerId).withNoStream(true).exec(callback);
      callback.awaitCompletion(10, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return Optional.empty();
    } catch (IOException | RuntimeException e) {
      return Optional.empty();
    }
    return Optional.ofNullable(first.get()).flatMap(s -> usage(s, now));
  }

  /**
   * The reading in {@code s}: CPU from {@code cpu_stats.cpu_usage.total_usage}; the working set is
   * usage minus the inactive file cache ({@code total_inactive_file} on cgroup v1, {@code
   * inactive_file} on v2), as cAdvisor computes it, or the usage when the engine gives no breakdown
   * (Podman). Empty when the engine reports no CPU figure (a container that ended).
   */
  static Optional<ResourceUsage> usage(Statistics s, Instant now) {
    CpuStatsConfig cpu = s.getCpuStats();
    Long total =
        cpu == null || cpu.getCpuUsage() == null ? null : cpu.getCpuUsage().getTotalUsage();
    if (total == null) {
      return Optional.empty();
    }
    MemoryStatsConfig memory = s.getMemoryStats();
    long usage = memory == null || memory.getUsage() == null ? 0 : memory.getUsage();
    long inactive = 0;
    StatsConfig breakdown = memory == null ? null : memory.getStats();
    if (breakdown != null) {
      Long v1 = breakdown.getTotalInactiveFile();
      Long v2 = breakdown.getInactiveFile();
      inactive = v1 != null ? v1 : v2 != null ? v2 : 0;
    }
    return Optional.of(
        new ResourceUsage(
            readAt(s.getRead()).orElse(now), total, usage, Math.max(0, usage - inactive)));
  }

  private static Optional<Instant> readAt(String time) {
    if (time == null || time.isEmpty() || time.startsWith("0001-")) {
      return Optional.empty();
    }
    try {
      return Optional.of(OffsetDateTime.parse(time).toInstant());
    } catch (DateTimeParseException e) {
      return Optional.empty();
    }
  }
}
