package io.akkube.node.proxy;

import java.io.IOException;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;

/**
 * Makes ClusterIPs local so the proxy can bind them: 127.0.0.0/8 always is; any other address is
 * added to the loopback interface ({@code ip addr add IP/32 dev lo}) when the agent runs as root
 * and may manage addresses, and removed again with its last service. Otherwise the address stays
 * unroutable and {@link #add} says why.
 */
final class LoopbackAddresses {

  private static final org.slf4j.Logger log =
      org.slf4j.LoggerFactory.getLogger(LoopbackAddresses.class);

  private final boolean manage;
  private final Set<String> added = new HashSet<>();

  LoopbackAddresses(boolean manage) {
    this.manage = manage && isRoot();
  }

  static boolean isLoopback(String ip) {
    try {
      return InetAddress.getByName(ip).isLoopbackAddress();
    } catch (UnknownHostException e) {
      return false;
    }
  }

  /** Empty when {@code ip} is local now, else why it is not routable on this node. */
  String add(String ip) {
    if (isLoopback(ip) || added.contains(ip)) {
      return "";
    }
    if (!manage) {
      return "ClusterIP "
          + ip
          + " is not routable on this node: the agent is not root (or may not manage loopback"
          + " addresses); only ClusterIPs in 127.0.0.0/8 are served";
    }
    String error = ip("addr", "add", ip + "/32", "dev", "lo");
    if (!error.isEmpty() && !error.contains("File exists")) {
      return "ClusterIP " + ip + " could not be added to lo: " + error;
    }
    added.add(ip);
    return "";
  }

  void remove(String ip) {
    if (added.remove(ip)) {
      String error = ip("addr", "del", ip + "/32", "dev", "lo");
      if (!error.isEmpty()) {
        log.warn("removing ClusterIP {} from lo failed: {}", ip, error);
      }
    }
  }

  private static String ip(String... args) {
    List<String> command = new java.util.ArrayList<>(List.of("ip"));
    command.addAll(List.of(args));
    try {
      Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
      String out = new String(p.getInputStream().readAllBytes()).trim();
      if (!p.waitFor(10, TimeUnit.SECONDS)) {
        p.destroyForcibly();
        return "timed out";
      }
      return p.exitValue() == 0 ? "" : out.isEmpty() ? "exit " + p.exitValue() : out;
    } catch (IOException e) {
      return e.toString();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return "interrupted";
    }
  }

  static boolean isRoot() {
    try {
      return Integer.valueOf(0).equals(Files.getAttribute(Path.of("/proc/self"), "unix:uid"));
    } catch (IOException | UnsupportedOperationException | IllegalArgumentException e) {
      return false;
    }
  }
}
