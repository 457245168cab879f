package io.akkube.node.proxy;

import akka.actor.typed.ActorSystem;
import akka.actor.typed.Behavior;
import akka.actor.typed.javadsl.AbstractBehavior;
import akka.actor.typed.javadsl.ActorContext;
import akka.actor.typed.javadsl.Behaviors;
import akka.actor.typed.javadsl.Receive;
import akka.actor.typed.javadsl.TimerScheduler;
import akka.stream.javadsl.Flow;
import akka.stream.javadsl.Sink;
import akka.stream.javadsl.Source;
import akka.stream.javadsl.Tcp;
import akka.util.ByteString;
import io.akkube.node.proxy.ProxyRules.Frontend;
import io.akkube.node.proxy.ProxyRules.Rule;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.time.Clock;
import java.time.Duration;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * A node's user-space service proxy (kube-proxy's userspace mode): serves every ClusterIP:port and
 * every node-address:nodePort of the catalog over TCP (Akka Streams) and UDP, and forwards each new
 * connection or UDP client to an endpoint its {@link Balancer} picks. Endpoint changes only update
 * the balancers, so established connections keep their endpoint; a frontend whose service port is
 * gone stops accepting. A connection to a service without endpoints is closed at once. Binds use
 * SO_REUSEPORT so the agents of one machine share ClusterIP ports (decision 0007).
 */
public final class ServiceProxy extends AbstractBehavior<ServiceProxy.Command> {

  public sealed interface Command {}

  /** The newest catalog (from the {@link ServiceWatch}). */
  public record CatalogChanged(ServiceCatalog catalog) implements Command {}

  private record Bound(Frontend frontend, Tcp.ServerBinding binding, Throwable failure)
      implements Command {}

  private record RetryBinds() implements Command {}

  /**
   * Settings (config {@code akkube.node.proxy}).
   *
   * @param nodeAddress where NodePorts are served
   * @param manageLoopback add non-127 ClusterIPs to lo when root
   * @param udpIdleTimeout a UDP client's mapping is dropped after this long without traffic
   * @param connectTimeout how long a connection to an endpoint may take
   * @param clusterIps whether this proxy serves ClusterIPs too, or only the node's NodePorts (a
   *     hollow node's proxy: the member's own proxy already serves the ClusterIPs of the machine)
   */
  public record Settings(
      String nodeName,
      String nodeAddress,
      boolean manageLoopback,
      Duration udpIdleTimeout,
      Duration connectTimeout,
      boolean clusterIps) {

    public Settings(
        String nodeName,
        String nodeAddress,
        boolean manageLoopback,
        Duration udpIdleTimeout,
        Duration connectTimeout) {
      this(nodeName, nodeAddress, manageLoopback, udpIdleTimeout, connectTimeout, true);
    }

    /** The same, serving only NodePorts on the node address. */
    public Settings nodePortsOnly() {
      return new Settings(
          nodeName, nodeAddress, manageLoopback, udpIdleTimeout, connectTimeout, false);
    }

    public static Settings fromConfig(
        com.typesafe.config.Config proxy, String nodeName, String nodeAddress) {
      return new Settings(
          nodeName,
          nodeAddress,
          proxy.getBoolean("manage-loopback-addresses"),
          proxy.getDuration("udp-idle-timeout"),
          proxy.getDuration("connect-timeout"));
    }
  }

  private interface Listener {
    void close();
  }

  private final TimerScheduler<Command> timers;
  private final Settings settings;
  private final Clock clock;
  private final LoopbackAddresses loopback;
  private Map<Frontend, Rule> rules = Map.of();
  private final Map<Frontend, Balancer> balancers = new HashMap<>();
  private final Map<Frontend, Listener> listeners = new HashMap<>();
  private final Set<Frontend> binding = new HashSet<>();
  private final Set<Frontend> bindFailed = new HashSet<>();

  /** ClusterIPs that could not be made local, and why (reported to {@link #routability}). */
  private final Map<String, String> unroutable = new java.util.TreeMap<>();

  private final java.util.function.Consumer<List<String>> routability;
  private List<String> reportedUnroutable = List.of();

  public static Behavior<Command> create(Settings settings, Clock clock) {
    return create(settings, clock, reasons -> {});
  }

  /**
   * {@code routability} hears, whenever it changes, why each ClusterIP the proxy cannot make local
   * is unroutable (empty once none is).
   */
  public static Behavior<Command> create(
      Settings settings, Clock clock, java.util.function.Consumer<List<String>> routability) {
    return Behaviors.setup(
        ctx ->
            Behaviors.withTimers(
                timers -> new ServiceProxy(ctx, timers, settings, clock, routability)));
  }

  private ServiceProxy(
      ActorContext<Command> ctx,
      TimerScheduler<Command> timers,
      Settings settings,
      Clock clock,
      java.util.function.Consumer<List<String>> routability) {
    super(ctx);
    this.routability = routability;
    this.timers = timers;
    this.settings = settings;
    this.clock = clock;
    this.loopback = new LoopbackAddresses(settings.manageLoopback());
  }

  @Override
  public Receive<Command> createReceive() {
    return newReceiveBuilder()
        .onMessage(CatalogChanged.class, this::onCatalogChanged)
        .onMessage(Bound.class, this::onBound)
        .onMessage(RetryBinds.class, m -> bindMissing())
        .onSignal(akka.actor.typed.PostStop.class, s -> stopAll())
        .build();
  }

  private Behavior<Command> onCatalogChanged(CatalogChanged m) {
    Map<Frontend, Rule> next =
        new java.util.LinkedHashMap<>(ProxyRules.of(m.catalog(), settings.nodeAddress()));
    if (!settings.clusterIps()) {
      next.keySet().removeIf(f -> !f.ip().equals(settings.nodeAddress()));
    }
    for (Frontend gone : List.copyOf(balancers.keySet())) {
      if (!next.containsKey(gone)) {
        balancers.remove(gone);
        bindFailed.remove(gone);
        Listener listener = listeners.remove(gone);
        if (listener != null) {
          listener.close();
          getContext()
              .getLog()
              .info("node {}: proxy stopped serving {}", settings.nodeName(), gone);
        }
        if (next.keySet().stream().noneMatch(f -> f.ip().equals(gone.ip()))) {
          loopback.remove(gone.ip());
          unroutable.remove(gone.ip());
        }
      }
    }
    rules = next;
    next.forEach(
        (frontend, rule) ->
            balancers
                .computeIfAbsent(frontend, f -> new Balancer(clock))
                .update(rule.endpoints(), rule.affinity()));
    bindMissing();
    List<String> why = List.copyOf(unroutable.values());
    if (!why.equals(reportedUnroutable)) {
      reportedUnroutable = why;
      routability.accept(why);
    }
    return this;
  }

  private Behavior<Command> bindMissing() {
    boolean missing = false;
    for (Map.Entry<Frontend, Rule> e : rules.entrySet()) {
      Frontend frontend = e.getKey();
      if (listeners.containsKey(frontend) || binding.contains(frontend)) {
        continue;
      }
      String notRoutable = loopback.add(frontend.ip());
      if (!notRoutable.isEmpty()) {
        if (unroutable.put(frontend.ip(), notRoutable) == null) {
          getContext().getLog().warn("node {}: {}", settings.nodeName(), notRoutable);
        }
        continue;
      }
      missing = true;
      if (frontend.protocol().equals("UDP")) {
        bindUdp(frontend, e.getValue());
      } else {
        bindTcp(frontend);
      }
    }
    if (missing && !timers.isTimerActive("retry")) {
      timers.startSingleTimer("retry", new RetryBinds(), Duration.ofSeconds(5));
    }
    return this;
  }

  private void bindUdp(Frontend frontend, Rule rule) {
    try {
      UdpForwarder forwarder =
          UdpForwarder.start(
              new InetSocketAddress(frontend.ip(), frontend.port()),
              balancers.get(frontend),
              settings.udpIdleTimeout());
      listeners.put(frontend, forwarder::close);
      bindFailed.remove(frontend);
      getContext()
          .getLog()
          .info("node {}: proxy serving {} for {}", settings.nodeName(), frontend, rule.service());
    } catch (IOException | RuntimeException ex) {
      bindFailure(frontend, ex);
    }
  }

  private void bindTcp(Frontend frontend) {
    binding.add(frontend);
    Balancer balancer = balancers.get(frontend);
    ActorSystem<Void> system = getContext().getSystem();
    getContext()
        .pipeToSelf(
            Tcp.get(system)
                .bind(
                    frontend.ip(),
                    frontend.port(),
                    128,
                    List.of(ReusePort.ON),
                    true,
                    Optional.empty())
                .to(Sink.foreach(connection -> forward(connection, balancer, system)))
                .run(system),
            (ok, failure) -> new Bound(frontend, ok, failure));
  }

  private Behavior<Command> onBound(Bound m) {
    binding.remove(m.frontend());
    if (m.failure() != null) {
      bindFailure(m.frontend(), m.failure());
      return this;
    }
    if (!rules.containsKey(m.frontend()) || listeners.containsKey(m.frontend())) {
      m.binding().unbind();
      return this;
    }
    listeners.put(m.frontend(), () -> m.binding().unbind());
    bindFailed.remove(m.frontend());
    getContext()
        .getLog()
        .info(
            "node {}: proxy serving {} for {}",
            settings.nodeName(),
            m.frontend(),
            rules.get(m.frontend()).service());
    return this;
  }

  private void bindFailure(Frontend frontend, Throwable failure) {
    if (bindFailed.add(frontend)) {
      getContext()
          .getLog()
          .warn(
              "node {}: proxy cannot serve {} (retrying every 5 s): {}",
              settings.nodeName(),
              frontend,
              failure.toString());
    }
    if (!timers.isTimerActive("retry")) {
      timers.startSingleTimer("retry", new RetryBinds(), Duration.ofSeconds(5));
    }
  }

  /** One accepted connection: to the picked endpoint, or closed when there is none. */
  private void forward(
      Tcp.IncomingConnection connection, Balancer balancer, ActorSystem<Void> system) {
    String clientIp = connection.remoteAddress().getAddress().getHostAddress();
    Optional<InetSocketAddress> endpoint = balancer.pick(clientIp);
    if (endpoint.isEmpty()) {
      connection.handleWith(
          Flow.fromSinkAndSourceCoupled(Sink.<ByteString>cancelled(), Source.<ByteString>empty()),
          system);
      return;
    }
    connection.handleWith(
        Tcp.get(system)
            .outgoingConnection(
                new InetSocketAddress(endpoint.get().getHostString(), endpoint.get().getPort()),
                Optional.empty(),
                List.of(),
                true,
                Optional.of(settings.connectTimeout()),
                Optional.empty()),
        system);
  }

  private Behavior<Command> stopAll() {
    listeners.values().forEach(Listener::close);
    listeners.clear();
    balancers.keySet().forEach(f -> loopback.remove(f.ip()));
    return this;
  }
}
