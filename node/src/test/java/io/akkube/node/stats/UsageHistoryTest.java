package io.akkube.node.stats;

import static org.assertj.core.api.Assertions.assertThat;

import io.akkube.node.runtime.ContainerRuntime.ContainerHandle;
import io.akkube.node.runtime.ContainerRuntime.ResourceUsage;
import io.akkube.node.stats.UsageHistory.Reading;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class UsageHistoryTest {

  private static final Instant T0 = Instant.parse("2026-01-01T00:00:00Z");

  static Reading reading(Instant time, long nodeCpu, List<String> containerIds) {
    Map<String, ContainerHandle> handles = new HashMap<>();
    Map<String, ResourceUsage> usage = new HashMap<>();
    for (String id : containerIds) {
      handles.put(id, new ContainerHandle(id, "uid", id, 0, 1, T0));
      usage.put(id, new ResourceUsage(time, 0, 0, 0));
    }
    HostUsage host = new HostUsage(time, T0, nodeCpu, 0, 0, 0, 0);
    return new Reading(time, host, handles, usage);
  }

  @Test
  void theBaseIsTheNewestReadingAtLeastASecondOldThatHasEveryContainer() {
    UsageHistory history = new UsageHistory();
    Reading old = reading(T0, 0, List.of("a", "b"));
    Reading later = reading(T0.plusSeconds(10), 0, List.of("a", "b"));
    Reading recent = reading(T0.plusMillis(19_500), 0, List.of("a", "b"));
    history.add(old);
    history.add(later);
    history.add(recent);
    // `recent` is only half a second old at t0+20s: `later` is the window's start
    assertThat(history.baseFor(reading(T0.plusSeconds(20), 0, List.of("a", "b"))))
        .containsSame(later);
    // a container started since `later` sends the caller to read again
    assertThat(history.baseFor(reading(T0.plusSeconds(20), 0, List.of("a", "b", "c")))).isEmpty();
  }

  @Test
  void readingsOlderThanAMinuteAreNoBase() {
    UsageHistory history = new UsageHistory();
    history.add(reading(T0, 0, List.of("a")));
    assertThat(history.baseFor(reading(T0.plusSeconds(61), 0, List.of("a")))).isEmpty();
    assertThat(history.baseFor(reading(T0.plusSeconds(59), 0, List.of("a")))).isPresent();
  }

  @Test
  void nanoCoresAreCpuTimeOverWallTime() {
    // half a core for two seconds
    assertThat(UsageHistory.nanoCores(1_000_000_000L, T0, 2_000_000_000L, T0.plusSeconds(2)))
        .hasValue(500_000_000L);
    assertThat(UsageHistory.nanoCores(5, T0, 4, T0.plusSeconds(1))).isEmpty();
    assertThat(UsageHistory.nanoCores(5, T0, 6, T0)).isEmpty();
  }
}
