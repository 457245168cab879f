package io.akkube.node.stats;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import org.junit.jupiter.api.Test;

class HostUsageTest {

  @Test
  void cpuIsEveryStateButIdleAndIowaitAndMemoryIsTheKubeletsWorkingSet() {
    Instant now = Instant.parse("2026-01-01T00:00:00Z");
    HostUsage host =
        HostUsage.parse(
            now,
            """
            cpu  100 20 30 5000 40 1 2 3 0 0
            cpu0 50 10 15 2500 20 1 1 2 0 0
            btime 1795298988
            """,
            """
            MemTotal:       1000 kB
            MemFree:         300 kB
            MemAvailable:    600 kB
            Inactive(file):  200 kB
            AnonPages:       250 kB
            """);
    // user + nice + system + irq + softirq + steal, in 1/100 s
    assertThat(host.cpuNanoseconds()).isEqualTo((100 + 20 + 30 + 1 + 2 + 3) * 10_000_000L);
    assertThat(host.bootTime()).isEqualTo(Instant.ofEpochSecond(1795298988));
    assertThat(host.memoryTotalBytes()).isEqualTo(1000 * 1024L);
    assertThat(host.memoryUsageBytes()).isEqualTo(700 * 1024L);
    assertThat(host.memoryWorkingSetBytes()).isEqualTo(500 * 1024L);
    assertThat(host.memoryRssBytes()).isEqualTo(250 * 1024L);
  }

  @Test
  void thisMachineReadsAsBusySinceItBooted() {
    HostUsage host = HostUsage.read(Instant.now());
    assertThat(host.cpuNanoseconds()).isPositive();
    assertThat(host.memoryWorkingSetBytes()).isPositive().isLessThan(host.memoryTotalBytes());
    assertThat(host.bootTime()).isBefore(Instant.now());
  }
}
