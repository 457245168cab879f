package io.akkube.node.proxy;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedSelectorException;
import java.nio.channels.DatagramChannel;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.time.Duration;
import java.util.HashMap;
import java.util.Iterator;
import java.util.Map;
import java.util.Optional;

/**
 * One UDP frontend of the proxy on its own thread: each client (address and port) gets a socket
 * connected to the endpoint the {@link Balancer} picked for it, replies go back from the frontend
 * address, and a client quiet for {@code idleTimeout} loses its mapping (kube-proxy's user-space
 * UDP proxy). Datagrams of a client while no endpoint exists are dropped.
 */
final class UdpForwarder implements AutoCloseable {

  private static final org.slf4j.Logger log = org.slf4j.LoggerFactory.getLogger(UdpForwarder.class);

  private final DatagramChannel frontend;
  private final Selector selector;
  private final Balancer balancer;
  private final long idleNanos;
  private final Map<SocketAddress, Mapping> mappings = new HashMap<>();
  private final Thread thread;

  private static final class Mapping {
    final SocketAddress client;
    final DatagramChannel channel;
    long lastUsed;

    Mapping(SocketAddress client, DatagramChannel channel) {
      this.client = client;
      this.channel = channel;
    }
  }

  private UdpForwarder(
      DatagramChannel frontend, Selector selector, Balancer balancer, Duration idle)
      throws IOException {
    this.frontend = frontend;
    this.selector = selector;
    this.balancer = balancer;
    this.idleNanos = idle.toNanos();
    frontend.register(selector, SelectionKey.OP_READ);
    this.thread = new Thread(this::run, "service-proxy-udp-" + frontend.getLocalAddress());
    thread.setDaemon(true);
  }

  /** Binds {@code address} (with SO_REUSEPORT) and starts forwarding. */
  static UdpForwarder start(InetSocketAddress address, Balancer balancer, Duration idleTimeout)
      throws IOException {
    DatagramChannel channel = DatagramChannel.open();
    Selector selector = null;
    try {
      channel.setOption(StandardSocketOptions.SO_REUSEPORT, true);
      channel.bind(address);
      channel.configureBlocking(false);
      selector = Selector.open();
      UdpForwarder forwarder = new UdpForwarder(channel, selector, balancer, idleTimeout);
      forwarder.thread.start();
      return forwarder;
    } catch (IOException | RuntimeException e) {
      channel.close();
      if (selector != null) {
        selector.close();
      }
      throw e;
    }
  }

  private void run() {
    ByteBuffer buffer = ByteBuffer.allocateDirect(65536);
    try {
      while (selector.isOpen()) {
        selector.select(1000);
        Iterator<SelectionKey> keys = selector.selectedKeys().iterator();
        while (keys.hasNext()) {
          SelectionKey key = keys.next();
          keys.remove();
          if (!key.isValid()) {
            continue;
          }
          if (key.channel() == frontend) {
            fromClient(buffer);
          } else {
            fromEndpoint((Mapping) key.attachment(), buffer);
          }
        }
        expire();
      }
    } catch (ClosedSelectorException e) {
      // closed
    } catch (IOException | RuntimeException e) {
      log.warn("UDP proxy on {} stopped: {}", address(), e.toString());
    } finally {
      closeAll();
    }
  }

  private void fromClient(ByteBuffer buffer) throws IOException {
    while (true) {
      buffer.clear();
      SocketAddress client = frontend.receive(buffer);
      if (client == null) {
        return;
      }
      buffer.flip();
      Mapping mapping = mappings.get(client);
      if (mapping == null || !balancer.endpoints().contains(endpointOf(mapping))) {
        if (mapping != null) {
          close(mapping);
        }
        String clientIp = ((InetSocketAddress) client).getAddress().getHostAddress();
        Optional<InetSocketAddress> endpoint = balancer.pick(clientIp);
        if (endpoint.isEmpty()) {
          continue;
        }
        DatagramChannel channel = DatagramChannel.open();
        try {
          channel.configureBlocking(false);
          channel.connect(
              new InetSocketAddress(endpoint.get().getHostString(), endpoint.get().getPort()));
        } catch (IOException e) {
          channel.close();
          log.debug("UDP proxy {}: cannot reach {}: {}", address(), endpoint.get(), e.toString());
          continue;
        }
        mapping = new Mapping(client, channel);
        channel.register(selector, SelectionKey.OP_READ, mapping);
        mappings.put(client, mapping);
      }
      mapping.lastUsed = System.nanoTime();
      try {
        mapping.channel.write(buffer);
      } catch (IOException e) {
        close(mapping);
      }
    }
  }

  private void fromEndpoint(Mapping mapping, ByteBuffer buffer) throws IOException {
    while (true) {
      buffer.clear();
      int n;
      try {
        n = mapping.channel.read(buffer);
      } catch (IOException e) {
        // ICMP port unreachable from a gone endpoint: forget the mapping
        close(mapping);
        return;
      }
      if (n <= 0) {
        return;
      }
      buffer.flip();
      mapping.lastUsed = System.nanoTime();
      frontend.send(buffer, mapping.client);
    }
  }

  private static InetSocketAddress endpointOf(Mapping mapping) {
    try {
      InetSocketAddress remote = (InetSocketAddress) mapping.channel.getRemoteAddress();
      return InetSocketAddress.createUnresolved(
          remote.getAddress().getHostAddress(), remote.getPort());
    } catch (IOException e) {
      return null;
    }
  }

  private void expire() {
    long now = System.nanoTime();
    mappings.values().removeIf(m -> now - m.lastUsed > idleNanos && closeQuietly(m));
  }

  private void close(Mapping mapping) {
    mappings.remove(mapping.client);
    closeQuietly(mapping);
  }

  private static boolean closeQuietly(Mapping mapping) {
    try {
      mapping.channel.close();
    } catch (IOException e) {
      // nothing to do
    }
    return true;
  }

  private void closeAll() {
    mappings.values().forEach(UdpForwarder::closeQuietly);
    mappings.clear();
    try {
      frontend.close();
    } catch (IOException e) {
      // nothing to do
    }
  }

  private String address() {
    try {
      return String.valueOf(frontend.getLocalAddress());
    } catch (IOException e) {
      return "?";
    }
  }

  @Override
  public void close() {
    try {
      selector.close();
    } catch (IOException e) {
      // nothing to do
    }
  }
}
