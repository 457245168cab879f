package io.akkube.core.scheduling.model;

import java.util.Collection;

/**
 * One host port a pod binds, sanitised as framework.HostPortInfo does: an empty IP is {@code
 * 0.0.0.0}, an empty protocol TCP.
 */
public record HostPort(String ip, String protocol, int port) {

  public static final String ALL_IPS = "0.0.0.0";

  public HostPort {
    ip = ip == null || ip.isEmpty() ? ALL_IPS : ip;
    protocol = protocol == null || protocol.isEmpty() ? "TCP" : protocol;
  }

  /**
   * HostPortInfo.CheckConflict: the same protocol and port, where either side binding {@code
   * 0.0.0.0} conflicts with any IP.
   */
  public boolean conflictsWithAny(Collection<HostPort> inUse) {
    if (port <= 0) {
      return false;
    }
    for (HostPort used : inUse) {
      if (used.port == port
          && used.protocol.equals(protocol)
          && (ip.equals(ALL_IPS) || used.ip.equals(ALL_IPS) || used.ip.equals(ip))) {
        return true;
      }
    }
    return false;
  }
}
