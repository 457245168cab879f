package io.akkube.cluster.services;

/**
 * The node port range ({@code --service-node-port-range}, 30000-32767 by default) as Kubernetes'
 * port allocator sees it: a static band at the bottom (between 16 and 128 ports, 1/32 of the range)
 * is tried last by dynamic allocation, so explicit requests rarely clash with allocated ports.
 */
public record NodePortRange(int base, int size) {

  public static final NodePortRange DEFAULT = new NodePortRange(30000, 2768);

  public static NodePortRange parse(String range) {
    String[] bounds = range.split("-");
    try {
      int low = Integer.parseInt(bounds[0].trim());
      int high = bounds.length > 1 ? Integer.parseInt(bounds[1].trim()) : low;
      if (bounds.length > 2 || low < 1 || high > 65535 || high < low) {
        throw new NumberFormatException();
      }
      return new NodePortRange(low, high - low + 1);
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("invalid node port range " + range);
    }
  }

  public int port(int offset) {
    return base + offset;
  }

  public boolean contains(int port) {
    return port >= base && port < base + size;
  }

  /** calculateRangeOffset for ports: min(max(16, size/32), 128), none below 16 ports. */
  public int staticBand() {
    if (size <= 16) {
      return 0;
    }
    return Math.min(Math.max(16, size / 32), 128);
  }

  /** net.PortRange's String(). */
  @Override
  public String toString() {
    return base + "-" + (base + size - 1);
  }

  /** The port allocator's ErrNotInRange. */
  public String notInRange() {
    return "provided port is not in the valid range. The range of valid ports is " + this;
  }
}
