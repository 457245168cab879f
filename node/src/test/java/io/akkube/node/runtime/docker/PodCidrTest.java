package io.akkube.node.runtime.docker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;

class PodCidrTest {

  @Test
  void aLoopbackNodeGetsARangeOfItsLastOctetOutsideNodeAndServiceAddresses() {
    assertThat(PodCidr.forNode("", "127.0.0.1")).map(PodCidr::toString).contains("127.244.1.0/24");
    assertThat(PodCidr.forNode("", "127.0.0.12"))
        .map(PodCidr::toString)
        .contains("127.244.12.0/24");
    PodCidr derived = PodCidr.forNode("", "127.0.0.1").orElseThrow();
    assertThat(derived.contains("127.0.0.1")).isFalse();
    assertThat(derived.contains("127.0.0.10")).isFalse(); // the cluster DNS
    assertThat(derived.contains("127.97.0.1")).isFalse(); // the tests' service range
    assertThat(derived.contains("127.244.1.200")).isTrue();
  }

  @Test
  void aNodeOffLoopbackHasNoRangeUnlessOneIsConfigured() {
    assertThat(PodCidr.forNode("", "192.168.1.5")).isEmpty();
    assertThat(PodCidr.forNode("", "node-1.example")).isEmpty();
    assertThat(PodCidr.forNode("127.100.0.0/16", "192.168.1.5"))
        .map(PodCidr::toString)
        .contains("127.100.0.0/16");
  }

  @Test
  void rangesOutsideLoopbackOrMalformedAreRefusedWithTheReason() {
    assertThatThrownBy(() -> PodCidr.parse("10.244.0.0/16"))
        .hasMessage(
            "pod CIDR \"10.244.0.0/16\": must lie inside 127.0.0.0/8 (pod addresses are loopback"
                + " addresses of the node)");
    assertThatThrownBy(() -> PodCidr.parse("127.244.1.5/24"))
        .hasMessage(
            "pod CIDR \"127.244.1.5/24\": host bits are set (network address: 127.244.1.0)");
    assertThatThrownBy(() -> PodCidr.parse("127.244.1.0/31"))
        .hasMessageContaining("the prefix must be 8 to 30");
    assertThatThrownBy(() -> PodCidr.parse("127.244.1.0")).hasMessageContaining("IPv4 CIDR");
    assertThatThrownBy(() -> PodCidr.parse("127.256.1.0/24")).hasMessageContaining("IPv4 CIDR");
  }

  @Test
  void theLowestFreeAddressSkipsNetworkBroadcastAndTakenOnes() {
    PodCidr cidr = PodCidr.parse("127.244.3.0/30"); // .0 network, .1 .2 hosts, .3 broadcast
    Set<String> taken = new HashSet<>();
    assertThat(cidr.lowestFree(taken)).contains("127.244.3.1");
    taken.add("127.244.3.1");
    assertThat(cidr.lowestFree(taken)).contains("127.244.3.2");
    taken.add("127.244.3.2");
    assertThat(cidr.lowestFree(taken)).isEmpty();
    taken.remove("127.244.3.1"); // a released address is handed out again
    assertThat(cidr.lowestFree(taken)).contains("127.244.3.1");
  }

  @Test
  void wideRangesCountAcrossOctets() {
    PodCidr cidr = PodCidr.parse("127.100.0.0/16");
    Set<String> taken = new HashSet<>();
    for (int i = 1; i < 256; i++) {
      taken.add("127.100.0." + i);
    }
    assertThat(cidr.lowestFree(taken)).contains("127.100.1.0");
  }
}
