package io.akkube.node.runtime.docker;

import java.util.Optional;
import java.util.Set;

/**
 * The range a node's pods take their addresses from (Node spec.podCIDR), inside 127.0.0.0/8: every
 * loopback address reaches the host, so the engine can publish a pod's ports on an address of its
 * own and several pods can serve the same container port on one node (docs/decisions/0013). Pure:
 * parsing, the default range of a node, and the lowest free address.
 *
 * @param network the first address, as an unsigned 32-bit number in an int
 * @param prefix the mask length, 8 to 30
 */
public record PodCidr(int network, int prefix) {

  /** The second octet of derived ranges: 127.244.c.0/24 (as 10.244.0.0/16 in flannel's /24s). */
  static final int DERIVED_OCTET = 244;

  public PodCidr {
    if (prefix < 8 || prefix > 30) {
      throw new IllegalArgumentException("prefix /" + prefix + " out of range 8-30");
    }
  }

  /**
   * {@code 127.244.5.0/24}; fails with a message a user can act on when it is not an IPv4 CIDR
   * inside 127.0.0.0/8 with a prefix of 8 to 30, or has host bits set.
   */
  public static PodCidr parse(String cidr) {
    String text = cidr.strip();
    String[] parts = text.split("/", -1);
    if (parts.length != 2 || !parts[1].matches("\\d{1,2}")) {
      throw invalid(cidr, "expected an IPv4 CIDR such as 127.244.1.0/24");
    }
    int prefix = Integer.parseInt(parts[1]);
    if (prefix < 8 || prefix > 30) {
      throw invalid(cidr, "the prefix must be 8 to 30");
    }
    int address =
        toInt(parts[0])
            .orElseThrow(() -> invalid(cidr, "expected an IPv4 CIDR such as 127.244.1.0/24"));
    if ((address >>> 24) != 127) {
      throw invalid(
          cidr, "must lie inside 127.0.0.0/8 (pod addresses are loopback addresses of the node)");
    }
    if ((address & ~mask(prefix)) != 0) {
      throw invalid(
          cidr, "host bits are set (network address: " + toText(address & mask(prefix)) + ")");
    }
    return new PodCidr(address, prefix);
  }

  /**
   * The pod range of a node: {@code configured} when it is set, else derived from a loopback node
   * address {@code 127.a.b.c} as {@code 127.244.c.0/24} (outside 127.0.0.x where nodes and the
   * cluster DNS live, and outside the service ranges the tests use); none for another node address.
   */
  public static Optional<PodCidr> forNode(String configured, String nodeAddress) {
    if (!configured.isBlank()) {
      return Optional.of(parse(configured));
    }
    Optional<Integer> node = toInt(nodeAddress);
    if (node.isEmpty() || (node.get() >>> 24) != 127) {
      return Optional.empty();
    }
    int lastOctet = node.get() & 0xff;
    return Optional.of(new PodCidr((127 << 24) | (DERIVED_OCTET << 16) | (lastOctet << 8), 24));
  }

  public boolean contains(String address) {
    return toInt(address).map(a -> (a & mask(prefix)) == network).orElse(false);
  }

  /**
   * The lowest address of the range that is neither its network nor its broadcast address nor
   * {@code taken}; empty when every one is.
   */
  public Optional<String> lowestFree(Set<String> taken) {
    long first = Integer.toUnsignedLong(network) + 1;
    long last = Integer.toUnsignedLong(network) + (1L << (32 - prefix)) - 2;
    for (long a = first; a <= last; a++) {
      String text = toText((int) a);
      if (!taken.contains(text)) {
        return Optional.of(text);
      }
    }
    return Optional.empty();
  }

  @Override
  public String toString() {
    return toText(network) + "/" + prefix;
  }

  private static int mask(int prefix) {
    return (int) (0xffffffffL << (32 - prefix));
  }

  private static Optional<Integer> toInt(String address) {
    String[] octets = address.strip().split("\\.", -1);
    if (octets.length != 4) {
      return Optional.empty();
    }
    int value = 0;
    for (String octet : octets) {
      if (!octet.matches("\\d{1,3}") || Integer.parseInt(octet) > 255) {
        return Optional.empty();
      }
      value = (value << 8) | Integer.parseInt(octet);
    }
    return Optional.of(value);
  }

  private static String toText(int address) {
    return (address >>> 24)
        + "."
        + ((address >>> 16) & 0xff)
        + "."
        + ((address >>> 8) & 0xff)
        + "."
        + (address & 0xff);
  }

  private static IllegalArgumentException invalid(String cidr, String why) {
    return new IllegalArgumentException("pod CIDR \"" + cidr + "\": " + why);
  }
}
