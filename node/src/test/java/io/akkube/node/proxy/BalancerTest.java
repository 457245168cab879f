package io.akkube.node.proxy;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetSocketAddress;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class BalancerTest {

  private static final InetSocketAddress A = InetSocketAddress.createUnresolved("127.0.0.1", 8001);
  private static final InetSocketAddress B = InetSocketAddress.createUnresolved("127.0.0.1", 8002);
  private static final InetSocketAddress C = InetSocketAddress.createUnresolved("127.0.0.1", 8003);

  /** A clock the test moves. */
  private static final class TestClock extends Clock {
    Instant now = Instant.parse("2024-01-01T00:00:00Z");

    @Override
    public Instant instant() {
      return now;
    }

    @Override
    public java.time.ZoneId getZone() {
      return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(java.time.ZoneId zone) {
      return this;
    }
  }

  @Test
  void connectionsGoToEveryEndpointInTurn() {
    Balancer balancer = new Balancer(Clock.systemUTC());
    balancer.update(List.of(A, B, C), Duration.ZERO);
    List<InetSocketAddress> picked = new ArrayList<>();
    for (int i = 0; i < 6; i++) {
      picked.add(balancer.pick("127.0.0.1").orElseThrow());
    }
    assertThat(picked).containsExactly(A, B, C, A, B, C);
  }

  @Test
  void withoutEndpointsNothingIsPicked() {
    Balancer balancer = new Balancer(Clock.systemUTC());
    assertThat(balancer.pick("127.0.0.1")).isEmpty();
    balancer.update(List.of(A), Duration.ZERO);
    balancer.update(List.of(), Duration.ZERO);
    assertThat(balancer.pick("127.0.0.1")).isEmpty();
  }

  @Test
  void clientIpAffinityKeepsAClientOnItsEndpointUntilTheTimeout() {
    TestClock clock = new TestClock();
    Balancer balancer = new Balancer(clock);
    balancer.update(List.of(A, B, C), Duration.ofSeconds(10));
    InetSocketAddress first = balancer.pick("127.0.0.5").orElseThrow();
    InetSocketAddress other = balancer.pick("127.0.0.6").orElseThrow();
    assertThat(other).isNotEqualTo(first);
    for (int i = 0; i < 5; i++) {
      clock.now = clock.now.plusSeconds(9);
      assertThat(balancer.pick("127.0.0.5")).contains(first);
    }
    clock.now = clock.now.plusSeconds(11);
    assertThat(balancer.pick("127.0.0.5")).isPresent().get().isNotEqualTo(first);
  }

  @Test
  void anEndpointChangeKeepsSurvivingAffinitiesAndMovesClientsOfRemovedEndpoints() {
    Balancer balancer = new Balancer(Clock.systemUTC());
    balancer.update(List.of(A, B, C), Duration.ofHours(3));
    assertThat(balancer.pick("127.0.0.5")).contains(A);
    assertThat(balancer.pick("127.0.0.6")).contains(B);
    balancer.update(List.of(B, C), Duration.ofHours(3));
    assertThat(balancer.pick("127.0.0.6")).contains(B);
    assertThat(balancer.pick("127.0.0.5")).isPresent().get().isIn(B, C);
  }

  @Test
  void shrinkingToOneEndpointSendsEverythingThere() {
    Balancer balancer = new Balancer(Clock.systemUTC());
    balancer.update(List.of(A, B, C), Duration.ZERO);
    balancer.pick("127.0.0.1");
    balancer.pick("127.0.0.1");
    balancer.update(List.of(C), Duration.ZERO);
    for (int i = 0; i < 5; i++) {
      assertThat(balancer.pick("127.0.0.1")).contains(C);
    }
  }
}
