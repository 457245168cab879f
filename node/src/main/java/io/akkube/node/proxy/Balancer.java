package io.akkube.node.proxy;

import java.net.InetSocketAddress;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Picks the endpoint of each new connection of one service port (kube-proxy's user-space round
 * robin): endpoints in turn, or with sessionAffinity ClientIP the endpoint a client used last, as
 * long as it still exists and the client came back within the timeout. Endpoint updates keep the
 * turn and the affinities whose endpoint survived. Called from many connection threads at once.
 */
public final class Balancer {

  private final Clock clock;
  private List<InetSocketAddress> endpoints = List.of();
  private Duration affinity = Duration.ZERO;
  private int next;
  private final Map<String, Sticky> sticky = new HashMap<>();

  private record Sticky(InetSocketAddress endpoint, Instant lastUsed) {}

  public Balancer(Clock clock) {
    this.clock = clock;
  }

  public synchronized void update(List<InetSocketAddress> endpoints, Duration affinity) {
    this.endpoints = List.copyOf(endpoints);
    if (!affinity.equals(this.affinity)) {
      sticky.clear();
    }
    this.affinity = affinity;
    sticky.values().removeIf(s -> !this.endpoints.contains(s.endpoint()));
    if (next >= this.endpoints.size()) {
      next = 0;
    }
  }

  public synchronized List<InetSocketAddress> endpoints() {
    return endpoints;
  }

  /** The endpoint for a new connection from {@code clientIp}, or empty when there is none. */
  public synchronized Optional<InetSocketAddress> pick(String clientIp) {
    if (endpoints.isEmpty()) {
      return Optional.empty();
    }
    Instant now = clock.instant();
    boolean affine = !affinity.isZero();
    if (affine) {
      Sticky s = sticky.get(clientIp);
      if (s != null && !now.isAfter(s.lastUsed().plus(affinity))) {
        sticky.put(clientIp, new Sticky(s.endpoint(), now));
        return Optional.of(s.endpoint());
      }
    }
    InetSocketAddress endpoint = endpoints.get(next);
    next = (next + 1) % endpoints.size();
    if (affine) {
      sticky.put(clientIp, new Sticky(endpoint, now));
      if (sticky.size() > 4096) {
        sticky.values().removeIf(s -> now.isAfter(s.lastUsed().plus(affinity)));
      }
    }
    return Optional.of(endpoint);
  }
}
