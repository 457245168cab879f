package io.akkube.http.protobuf;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class GoDurationTest {

  @Test
  void formatsAsGoTimeDurationString() {
    assertThat(GoDuration.format(0)).isEqualTo("0s");
    assertThat(GoDuration.format(1)).isEqualTo("1ns");
    assertThat(GoDuration.format(1_500)).isEqualTo("1.5µs");
    assertThat(GoDuration.format(1_500_000)).isEqualTo("1.5ms");
    assertThat(GoDuration.format(1_500_000_000L)).isEqualTo("1.5s");
    assertThat(GoDuration.format(90_000_000_000L)).isEqualTo("1m30s");
    assertThat(GoDuration.format(3_600_000_000_000L)).isEqualTo("1h0m0s");
    assertThat(GoDuration.format(-300_000_000_000L)).isEqualTo("-5m0s");
    assertThat(GoDuration.format(72 * 3_600_000_000_000L + 180_500_000_000L))
        .isEqualTo("72h3m0.5s");
  }
}
