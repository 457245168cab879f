package io.akkube.node.proxy;

import akka.io.Inet;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.DatagramSocket;
import java.net.ServerSocket;
import java.net.StandardSocketOptions;

/**
 * SO_REUSEPORT for Akka's TCP and UDP binds, which offer no such option (akka.io.Inet.SO has only
 * ReuseAddress): several node agents on one machine then serve the same ClusterIP:port and the
 * kernel spreads connections over them. See docs/decisions/0007-user-space-proxy.md.
 */
final class ReusePort extends Inet.AbstractSocketOption {

  static final ReusePort ON = new ReusePort();

  private ReusePort() {}

  @Override
  public void beforeServerSocketBind(ServerSocket socket) {
    try {
      socket.setOption(StandardSocketOptions.SO_REUSEPORT, true);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  @Override
  public void beforeDatagramBind(DatagramSocket socket) {
    try {
      socket.setOption(StandardSocketOptions.SO_REUSEPORT, true);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
