package io.akkube.core.validation;

import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.regex.Pattern;

/**
 * IP address syntax as Kubernetes' IsValidIP / IsValidIPv4Address / IsValidIPv6Address check it.
 * Never resolves names: IPv4 is matched by pattern, IPv6 only parsed when the text has a colon
 * (which no host name has, so the JDK parses it as a literal).
 */
public final class IpValidation {

  public static final String INVALID_IP =
      "must be a valid IP address, (e.g. 10.9.8.7 or 2001:db8::ffff)";
  public static final String INVALID_IPV4 = "must be a valid IPv4 address";
  public static final String INVALID_IPV6 = "must be a valid IPv6 address";

  private static final String OCTET = "(?:25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9]?[0-9])";
  private static final Pattern IPV4 =
      Pattern.compile(OCTET + "\\." + OCTET + "\\." + OCTET + "\\." + OCTET);

  private IpValidation() {}

  public static boolean isIPv4(String ip) {
    return IPV4.matcher(ip).matches();
  }

  public static boolean isIPv6(String ip) {
    if (!ip.contains(":") || ip.contains("%") || ip.startsWith("[")) {
      return false;
    }
    try {
      InetAddress address = InetAddress.getByName(ip);
      // "::ffff:1.2.3.4" parses to an IPv4 address in Java but is an IPv6 literal for Go.
      return address instanceof Inet6Address || ip.contains(":");
    } catch (UnknownHostException | IllegalArgumentException e) {
      return false;
    }
  }

  public static boolean isIP(String ip) {
    return isIPv4(ip) || isIPv6(ip);
  }

  /** The parsed address (for range checks), or null when the text is not an IP address. */
  public static InetAddress parse(String ip) {
    if (!isIP(ip)) {
      return null;
    }
    try {
      return InetAddress.getByName(ip);
    } catch (UnknownHostException e) {
      return null;
    }
  }
}
