package io.akkube.core.table;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class HumanDurationTest {

  @Test
  void formatsAgesAsKubectlPrintsThem() {
    assertThat(HumanDuration.format(Duration.ofSeconds(5))).isEqualTo("5s");
    assertThat(HumanDuration.format(Duration.ofSeconds(119))).isEqualTo("119s");
    assertThat(HumanDuration.format(Duration.ofSeconds(200))).isEqualTo("3m20s");
    assertThat(HumanDuration.format(Duration.ofMinutes(5))).isEqualTo("5m");
    assertThat(HumanDuration.format(Duration.ofMinutes(45))).isEqualTo("45m");
    assertThat(HumanDuration.format(Duration.ofMinutes(3 * 60 + 30))).isEqualTo("3h30m");
    assertThat(HumanDuration.format(Duration.ofHours(5))).isEqualTo("5h");
    assertThat(HumanDuration.format(Duration.ofHours(30))).isEqualTo("30h");
    assertThat(HumanDuration.format(Duration.ofHours(51))).isEqualTo("2d3h");
    assertThat(HumanDuration.format(Duration.ofDays(3))).isEqualTo("3d");
    assertThat(HumanDuration.format(Duration.ofDays(100))).isEqualTo("100d");
    assertThat(HumanDuration.format(Duration.ofDays(365 * 3 + 10))).isEqualTo("3y10d");
    assertThat(HumanDuration.format(Duration.ofDays(365 * 9))).isEqualTo("9y");
  }

  @Test
  void toleratesSmallClockSkewAndRejectsLargeSkew() {
    assertThat(HumanDuration.format(Duration.ofMillis(-1500))).isEqualTo("0s");
    assertThat(HumanDuration.format(Duration.ofSeconds(-5))).isEqualTo("<invalid>");
  }

  @Test
  void missingOrUnreadableTimestampsAreUnknown() {
    Instant now = Instant.parse("2024-01-01T00:00:10Z");
    assertThat(HumanDuration.since("", now)).isEqualTo("<unknown>");
    assertThat(HumanDuration.since(null, now)).isEqualTo("<unknown>");
    assertThat(HumanDuration.since("yesterday", now)).isEqualTo("<unknown>");
    assertThat(HumanDuration.since("2024-01-01T00:00:00Z", now)).isEqualTo("10s");
  }
}
