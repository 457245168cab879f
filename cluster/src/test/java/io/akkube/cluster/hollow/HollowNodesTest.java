package io.akkube.cluster.hollow;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class HollowNodesTest {

  @Test
  void withoutAFirstAddressEveryHollowNodeReportsTheMembersAddress() {
    var settings = new HollowNodes.Settings(2, "4", "16Gi", "110");
    assertThat(settings.addresses("127.0.0.1"))
        .containsExactly(
            java.util.Map.entry("hollow-node-0", "127.0.0.1"),
            java.util.Map.entry("hollow-node-1", "127.0.0.1"));
  }

  @Test
  void aFirstAddressCountsUpAcrossOctets() {
    var settings = new HollowNodes.Settings(3, "4", "16Gi", "110", "127.0.0.254");
    assertThat(settings.addresses("127.0.0.1").values())
        .containsExactly("127.0.0.254", "127.0.0.255", "127.0.1.0");
  }

  @Test
  void aFirstAddressThatIsNoIpv4AddressIsRefused() {
    var settings = new HollowNodes.Settings(1, "4", "16Gi", "110", "127.0.0");
    assertThatThrownBy(() -> settings.addresses("127.0.0.1"))
        .hasMessageContaining("not an IPv4 address: 127.0.0");
  }
}
