package io.akkube.cluster.services;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class ServiceIpRangeTest {

  @Test
  void theDefaultRangeStartsAtTheKubernetesServicesAddressAndSkipsNetworkAndBroadcast() {
    ServiceIpRange range = ServiceIpRange.parse("10.96.0.0/12");

    assertThat(range.address(0)).isEqualTo("10.96.0.1");
    assertThat(range.usable()).isEqualTo((1 << 20) - 2);
    assertThat(range.address(range.usable() - 1)).isEqualTo("10.111.255.254");
    assertThat(range.offsetOf("10.96.0.0")).isEqualTo(-1);
    assertThat(range.offsetOf("10.111.255.255")).isEqualTo(-1);
    assertThat(range.offsetOf("10.100.1.2")).isEqualTo((4 << 16) + 256 + 2 - 1);
    assertThat(range.offsetOf("10.112.0.1")).isEqualTo(-1);
  }

  @Test
  void aHostAddressIsNormalisedToItsNetwork() {
    assertThat(ServiceIpRange.parse("127.97.3.4/16").cidr()).isEqualTo("127.97.0.0/16");
  }

  @Test
  void theStaticBandIsASixteenthOfTheRangeBetweenSixteenAndTwoHundredFiftySix() {
    assertThat(ServiceIpRange.parse("127.97.0.0/16").staticBand()).isEqualTo(256);
    assertThat(ServiceIpRange.parse("10.0.0.0/24").staticBand()).isEqualTo(16);
    assertThat(ServiceIpRange.parse("10.0.0.0/20").staticBand()).isEqualTo(256);
    assertThat(ServiceIpRange.parse("10.0.0.0/28").staticBand()).isZero();
  }

  @Test
  void theOutOfRangeMessageIsTheIpAllocators() {
    assertThat(ServiceIpRange.parse("127.97.0.0/16").notInRange("10.0.0.1"))
        .isEqualTo(
            "the provided IP (10.0.0.1) is not in the valid range. The range of valid IPs is"
                + " 127.97.0.0/16");
  }

  @Test
  void badRangesAreRefused() {
    assertThatThrownBy(() -> ServiceIpRange.parse("10.96.0.0"))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> ServiceIpRange.parse("10.96.0.0/31"))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> ServiceIpRange.parse("fd00::/108"))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void nodePortRangesParseAndWordTheirErrorsAsKubernetes() {
    NodePortRange range = NodePortRange.parse("30000-32767");

    assertThat(range).isEqualTo(NodePortRange.DEFAULT);
    assertThat(range.contains(30000)).isTrue();
    assertThat(range.contains(32767)).isTrue();
    assertThat(range.contains(32768)).isFalse();
    assertThat(range.staticBand()).isEqualTo(86);
    assertThat(range.notInRange())
        .isEqualTo(
            "provided port is not in the valid range. The range of valid ports is 30000-32767");
  }
}
