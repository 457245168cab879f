package io.akkube.cluster.services;

import io.akkube.core.validation.IpValidation;

/**
 * The service CIDR ({@code --service-cidr}) as Kubernetes' bitmap IP allocator sees it: the network
 * and broadcast addresses are never handed out, offsets count from the first usable address (the
 * one the {@code kubernetes} service takes), and a static band at the bottom of the range (between
 * 16 and 256 addresses, 1/16 of the range) is left to explicit requests: dynamic allocation tries
 * above it first (KEP-3070). IPv4 only.
 */
public record ServiceIpRange(String cidr, long network, int size) {

  public static ServiceIpRange parse(String cidr) {
    int slash = cidr.indexOf('/');
    if (slash < 0) {
      throw new IllegalArgumentException("invalid service CIDR " + cidr + ": no prefix length");
    }
    String address = cidr.substring(0, slash);
    int prefix;
    try {
      prefix = Integer.parseInt(cidr.substring(slash + 1));
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("invalid service CIDR " + cidr + ": bad prefix length");
    }
    if (!IpValidation.isIPv4(address) || prefix < 8 || prefix > 30) {
      throw new IllegalArgumentException(
          "invalid service CIDR " + cidr + ": an IPv4 network from /8 to /30 is required");
    }
    long mask = prefix == 0 ? 0 : (0xffffffffL << (32 - prefix)) & 0xffffffffL;
    long network = toLong(address) & mask;
    return new ServiceIpRange(fromLong(network) + "/" + prefix, network, 1 << (32 - prefix));
  }

  /** Addresses that may be allocated (all but network and broadcast). */
  public int usable() {
    return size - 2;
  }

  /** The usable address at {@code offset} (0 = the first, the kubernetes service's). */
  public String address(int offset) {
    return fromLong(network + 1 + offset);
  }

  /** The offset of a usable address of this range, -1 for anything else. */
  public int offsetOf(String ip) {
    if (!IpValidation.isIPv4(ip)) {
      return -1;
    }
    long value = toLong(ip);
    long offset = value - network - 1;
    return offset >= 0 && offset < usable() ? (int) offset : -1;
  }

  /** calculateRangeOffset: min(max(16, size/16), 256), none for ranges of 16 or fewer. */
  public int staticBand() {
    if (size <= 16) {
      return 0;
    }
    return Math.min(Math.max(16, size / 16), 256);
  }

  /** The ipallocator's ErrNotInRange. */
  public String notInRange(String ip) {
    return "the provided IP ("
        + ip
        + ") is not in the valid range. The range of valid IPs is "
        + cidr;
  }

  static long toLong(String ipv4) {
    long value = 0;
    for (String part : ipv4.split("\\.")) {
      value = (value << 8) | Integer.parseInt(part);
    }
    return value;
  }

  static String fromLong(long value) {
    return ((value >> 24) & 0xff)
        + "."
        + ((value >> 16) & 0xff)
        + "."
        + ((value >> 8) & 0xff)
        + "."
        + (value & 0xff);
  }
}
