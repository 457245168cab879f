package io.akkube.node.proxy;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;

/** A TCP and UDP endpoint on 127.0.0.1 answering every line or datagram with "NAME line". */
final class Backend implements AutoCloseable {

  final String name;
  private final ServerSocket tcp;
  private final DatagramSocket udp;

  Backend(String name) throws IOException {
    this.name = name;
    this.tcp = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
    this.udp = new DatagramSocket(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
    daemon(this::acceptLoop);
    daemon(this::udpLoop);
  }

  int tcpPort() {
    return tcp.getLocalPort();
  }

  int udpPort() {
    return udp.getLocalPort();
  }

  private void acceptLoop() {
    while (!tcp.isClosed()) {
      try {
        Socket s = tcp.accept();
        daemon(() -> serve(s));
      } catch (IOException e) {
        return;
      }
    }
  }

  private void serve(Socket s) {
    try (s) {
      BufferedReader in =
          new BufferedReader(new InputStreamReader(s.getInputStream(), StandardCharsets.UTF_8));
      OutputStream out = s.getOutputStream();
      String line;
      while ((line = in.readLine()) != null) {
        out.write((name + " " + line + "\n").getBytes(StandardCharsets.UTF_8));
        out.flush();
      }
    } catch (IOException e) {
      // client gone
    }
  }

  private void udpLoop() {
    byte[] buf = new byte[2048];
    while (!udp.isClosed()) {
      try {
        DatagramPacket p = new DatagramPacket(buf, buf.length);
        udp.receive(p);
        byte[] reply =
            (name + " " + new String(p.getData(), 0, p.getLength(), StandardCharsets.UTF_8))
                .getBytes(StandardCharsets.UTF_8);
        udp.send(new DatagramPacket(reply, reply.length, p.getSocketAddress()));
      } catch (IOException e) {
        return;
      }
    }
  }

  private static void daemon(Runnable r) {
    Thread t = new Thread(r);
    t.setDaemon(true);
    t.start();
  }

  @Override
  public void close() throws IOException {
    tcp.close();
    udp.close();
  }
}
