package io.akkube.node.dns;

import akka.actor.typed.ActorSystem;
import akka.stream.javadsl.Flow;
import akka.stream.javadsl.Framing;
import akka.stream.javadsl.Sink;
import akka.stream.javadsl.Tcp;
import akka.util.ByteString;
import io.akkube.node.proxy.ServiceCatalog;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.DatagramChannel;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.xbill.DNS.Message;
import org.xbill.DNS.OPTRecord;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Section;
import org.xbill.DNS.SimpleResolver;

/**
 * The cluster DNS of one akkube process (what CoreDNS is to a Kubernetes cluster), built on
 * dnsjava's message model: answers the cluster domain from the newest {@link ServiceCatalog} over
 * UDP (a thread on a DatagramChannel) and TCP (Akka Streams, length-prefixed). Other names go to
 * the host's resolvers from resolv.conf only when forwarding is on and those resolvers are on
 * loopback; otherwise they are REFUSED, so nothing leaves the machine unless configured to.
 */
public final class ClusterDns implements AutoCloseable {

  private static final org.slf4j.Logger log = org.slf4j.LoggerFactory.getLogger(ClusterDns.class);

  /**
   * Settings (config {@code akkube.dns}).
   *
   * @param port 0 = any free port (tests); {@code auto} in config = 53 as root, else 10053
   * @param forward whether names outside the cluster domain go to the host's loopback resolvers
   * @param ttl seconds every answer may be cached
   */
  public record Settings(
      String address, int port, String clusterDomain, boolean forward, Path resolvConf, long ttl) {

    public static Settings fromConfig(com.typesafe.config.Config dns) {
      String port = dns.getString("port");
      return new Settings(
          dns.getString("address"),
          port.equals("auto") ? (isRoot() ? 53 : 10053) : Integer.parseInt(port),
          dns.getString("cluster-domain"),
          dns.getBoolean("forward"),
          Path.of(dns.getString("resolv-conf")),
          dns.getDuration("ttl").toSeconds());
    }
  }

  private final DnsZone zone;
  private final DatagramChannel udp;
  private Tcp.ServerBinding tcp;
  private final List<InetSocketAddress> upstreams;
  private final ExecutorService forwarding;
  private volatile ServiceCatalog catalog = ServiceCatalog.EMPTY;

  private ClusterDns(
      DnsZone zone,
      DatagramChannel udp,
      List<InetSocketAddress> upstreams,
      ExecutorService forwarding) {
    this.zone = zone;
    this.udp = udp;
    this.upstreams = upstreams;
    this.forwarding = forwarding;
  }

  /** Binds UDP and TCP on the configured address (the same port for both) and starts serving. */
  public static ClusterDns start(ActorSystem<?> system, Settings settings) throws Exception {
    DnsZone zone = new DnsZone(settings.clusterDomain(), settings.ttl());
    DatagramChannel udp = DatagramChannel.open();
    try {
      udp.bind(new InetSocketAddress(settings.address(), settings.port()));
      int port = ((InetSocketAddress) udp.getLocalAddress()).getPort();
      List<InetSocketAddress> upstreams =
          settings.forward()
              ? loopbackUpstreams(
                  ResolvConf.read(settings.resolvConf()),
                  new InetSocketAddress(settings.address(), port))
              : List.of();
      if (settings.forward() && upstreams.isEmpty()) {
        log.warn(
            "cluster DNS: forwarding is on but {} names no loopback resolver; other names are"
                + " refused",
            settings.resolvConf());
      }
      ExecutorService forwarding =
          Executors.newFixedThreadPool(
              2,
              r -> {
                Thread t = new Thread(r, "cluster-dns-forward");
                t.setDaemon(true);
                return t;
              });
      ClusterDns self = new ClusterDns(zone, udp, upstreams, forwarding);
      Flow<ByteString, ByteString, ?> tcpFlow =
          Framing.lengthField(2, 0, 65537, ByteOrder.BIG_ENDIAN)
              .mapAsync(1, frame -> self.answer(frame.drop(2).toArray(), 65535))
              .filter(Optional::isPresent)
              .map(
                  answer -> {
                    byte[] bytes = answer.get();
                    return ByteString.fromArray(
                            new byte[] {(byte) (bytes.length >> 8), (byte) bytes.length})
                        .concat(ByteString.fromArray(bytes));
                  });
      try {
        self.tcp =
            Tcp.get(system)
                .bind(
                    settings.address(),
                    port,
                    100,
                    List.of(),
                    false,
                    Optional.of(Duration.ofSeconds(30)))
                .to(Sink.foreach(connection -> connection.handleWith(tcpFlow, system)))
                .run(system)
                .toCompletableFuture()
                .get(10, TimeUnit.SECONDS);
      } catch (Exception e) {
        forwarding.shutdownNow();
        throw e;
      }
      Thread thread = new Thread(self::serveUdp, "cluster-dns-udp");
      thread.setDaemon(true);
      thread.start();
      log.info(
          "cluster DNS serving {} on {}:{} (udp, tcp){}",
          zone.zone(),
          settings.address(),
          port,
          upstreams.isEmpty() ? "" : ", forwarding to " + upstreams);
      return self;
    } catch (Exception e) {
      udp.close();
      throw e;
    }
  }

  /** The newest Services and Endpoints (from the {@link io.akkube.node.proxy.ServiceWatch}). */
  public void update(ServiceCatalog catalog) {
    this.catalog = catalog;
  }

  /** Where it serves, UDP and TCP. */
  public InetSocketAddress address() {
    return tcp.localAddress();
  }

  private void serveUdp() {
    ByteBuffer buffer = ByteBuffer.allocate(65535);
    while (udp.isOpen()) {
      try {
        buffer.clear();
        SocketAddress client = udp.receive(buffer);
        byte[] query = new byte[buffer.position()];
        buffer.flip().get(query);
        answer(query, -1).thenAccept(answer -> answer.ifPresent(bytes -> send(bytes, client)));
      } catch (ClosedChannelException e) {
        return;
      } catch (IOException | RuntimeException e) {
        log.debug("cluster DNS: {}", e.toString());
      }
    }
  }

  private void send(byte[] bytes, SocketAddress client) {
    try {
      udp.send(ByteBuffer.wrap(bytes), client);
    } catch (IOException e) {
      log.debug("cluster DNS: reply to {} failed: {}", client, e.toString());
    }
  }

  /**
   * The wire answer to a wire query, or empty for garbage; {@code maxLength} -1 means UDP (512
   * bytes, or the query's EDNS payload size), a truncated answer then carries TC.
   */
  CompletionStage<Optional<byte[]>> answer(byte[] wire, int maxLength) {
    Message query;
    try {
      query = new Message(wire);
    } catch (IOException e) {
      return CompletableFuture.completedFuture(Optional.empty());
    }
    OPTRecord opt = query.getOPT();
    int limit = maxLength > 0 ? maxLength : opt != null ? Math.max(512, opt.getPayloadSize()) : 512;
    Optional<Message> local;
    try {
      local = zone.answer(query, catalog);
    } catch (RuntimeException e) {
      log.warn("cluster DNS: answering {} failed: {}", query.getQuestion(), e.toString());
      Message failure = DnsZone.reply(query);
      failure.getHeader().setRcode(Rcode.SERVFAIL);
      local = Optional.of(failure);
    }
    if (local.isPresent()) {
      return CompletableFuture.completedFuture(Optional.of(wire(local.get(), opt, limit)));
    }
    if (upstreams.isEmpty()) {
      Message refused = DnsZone.reply(query);
      refused.getHeader().setRcode(Rcode.REFUSED);
      return CompletableFuture.completedFuture(Optional.of(wire(refused, opt, limit)));
    }
    return CompletableFuture.supplyAsync(() -> Optional.of(forward(query, opt, limit)), forwarding);
  }

  private byte[] forward(Message query, OPTRecord opt, int limit) {
    for (InetSocketAddress upstream : upstreams) {
      try {
        SimpleResolver resolver = new SimpleResolver(upstream);
        resolver.setTimeout(Duration.ofSeconds(2));
        Message response = resolver.send(query);
        response.getHeader().setID(query.getHeader().getID());
        return response.toWire(limit);
      } catch (IOException e) {
        log.debug("cluster DNS: upstream {} failed: {}", upstream, e.toString());
      }
    }
    Message failure = DnsZone.reply(query);
    failure.getHeader().setRcode(Rcode.SERVFAIL);
    return wire(failure, opt, limit);
  }

  private static byte[] wire(Message response, OPTRecord opt, int limit) {
    if (opt != null) {
      response.addRecord(new OPTRecord(4096, 0, 0), Section.ADDITIONAL);
    }
    return response.toWire(limit);
  }

  /** The host's nameservers that are on loopback, never this server itself. */
  static List<InetSocketAddress> loopbackUpstreams(ResolvConf host, InetSocketAddress self) {
    List<InetSocketAddress> out = new ArrayList<>();
    for (String nameserver : host.nameservers()) {
      try {
        InetAddress address = InetAddress.getByName(nameserver);
        InetSocketAddress upstream = new InetSocketAddress(address, 53);
        if (address.isLoopbackAddress() && !upstream.equals(self)) {
          out.add(upstream);
        }
      } catch (IOException e) {
        // not an address
      }
    }
    return out;
  }

  private static boolean isRoot() {
    try {
      return Integer.valueOf(0)
          .equals(java.nio.file.Files.getAttribute(Path.of("/proc/self"), "unix:uid"));
    } catch (IOException | UnsupportedOperationException | IllegalArgumentException e) {
      return false;
    }
  }

  @Override
  public void close() {
    tcp.unbind();
    try {
      udp.close();
    } catch (IOException e) {
      // nothing to do
    }
    forwarding.shutdownNow();
  }
}
